// This browser's own results, shown the moment they are computed: each starts `waiting` for a
// second opinion and turns `confirmed` (or `rejected`) when the server has decided it, which the
// page learns by asking about its waiting results (POST /volunteers/me/results). Pictures
// subscribe per project; the counters read the totals. Nothing here ever claims a result is
// validated before the server says so.
import { API_PREFIX, MAX_STATUS_LEASES, type Lease, type ResultStatusResponse } from '../protocol/api.js';
import type { Credentials } from '../runtime/ports.js';
import type { RuntimeEvent } from '../runtime/volunteer-runtime.js';
import { OwnResultsDb, type OwnResult } from './own-results-db.js';

export type { OwnResult } from './own-results-db.js';

/** How often waiting results are asked about while any wait; less often while nothing changes. */
const STATUS_POLL_MS = 1500;
const MAX_STATUS_POLL_MS = 30_000;
/** Results kept (newest first); older ones go, decided ones before waiting ones. */
const MAX_KEPT = 600;
/** Outputs larger than this are not kept: pictures draw small results. */
const MAX_KEPT_OUTPUT_BYTES = 256 * 1024;
/** Inputs of units started but not yet finished, by lease (a bounded map). */
const MAX_STARTED = 512;

export interface OwnCounts {
  waiting: number;
  confirmed: number;
  rejected: number;
}

export interface OwnResultsSource {
  /** Calls `listener` now and on every change with the project's own results, oldest first. */
  subscribe(project: string, listener: (results: readonly OwnResult[]) => void): () => void;
}

export class OwnResults implements OwnResultsSource {
  private readonly results = new Map<string, OwnResult>();
  private readonly started = new Map<string, Lease>();
  private readonly listeners = new Set<{ project: string | undefined; fn: (results: readonly OwnResult[]) => void }>();
  private timer: ReturnType<typeof setTimeout> | undefined;
  private asking = false;
  /** Answers in a row that changed nothing: the poll slows down. */
  private quiet = 0;
  private loaded: Promise<void> | undefined;
  private stopped = false;

  constructor(
    private readonly origin: string,
    private readonly credentials: () => Credentials | undefined,
    /** Told when results were confirmed: the credit shown should follow. */
    private readonly onConfirmed: () => void,
    private readonly db: Pick<OwnResultsDb, 'all' | 'put' | 'remove' | 'destroy'> = new OwnResultsDb(),
  ) {}

  /** Reads what earlier visits kept; call only once the volunteer has chosen to run here. */
  load(): Promise<void> {
    this.loaded ??= this.db
      .all()
      .then((kept) => {
        for (const result of kept) if (!this.results.has(result.lease)) this.results.set(result.lease, result);
        this.changed(undefined);
        this.schedule();
      })
      .catch(() => undefined);
    return this.loaded;
  }

  get counts(): OwnCounts {
    const counts = { waiting: 0, confirmed: 0, rejected: 0 };
    for (const r of this.results.values()) {
      if (r.status === 'waiting') counts.waiting++;
      else if (r.status === 'confirmed') counts.confirmed++;
      else if (r.status === 'rejected') counts.rejected++;
    }
    return counts;
  }

  list(project?: string): OwnResult[] {
    return [...this.results.values()]
      .filter((r) => project === undefined || r.project === project)
      .sort((a, b) => a.finishedAt - b.finishedAt);
  }

  subscribe(project: string | undefined, fn: (results: readonly OwnResult[]) => void): () => void {
    const entry = { project, fn };
    this.listeners.add(entry);
    fn(this.list(project));
    return () => this.listeners.delete(entry);
  }

  note(event: RuntimeEvent): void {
    if (event.type === 'unit-start') {
      this.started.set(event.lease.lease, event.lease);
      if (this.started.size > MAX_STARTED) this.started.delete(this.started.keys().next().value!);
    } else if (event.type === 'unit-stopped') {
      this.started.delete(event.lease);
    } else if (event.type === 'unit-done') {
      const lease = this.started.get(event.lease);
      this.started.delete(event.lease);
      if (!lease || !event.ok) return;
      const result: OwnResult = {
        lease: event.lease,
        unit: event.unit,
        project: event.project,
        input: lease.input,
        finishedAt: event.finishedAt,
        status: 'waiting',
        ...(event.output && event.output.length <= MAX_KEPT_OUTPUT_BYTES ? { output: event.output } : {}),
      };
      this.results.set(result.lease, result);
      this.quiet = 0;
      this.changed(result.project);
      void this.db.put([result]).catch(() => undefined);
      this.prune();
      this.schedule();
    } else if (event.type === 'uploaded') {
      // A second opinion may be in already: ask now rather than at the next poll.
      this.quiet = 0;
      this.schedule(0);
    }
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.timer);
    this.timer = undefined;
  }

  resume(): void {
    this.stopped = false;
    this.schedule();
  }

  /** The volunteer asked to be forgotten: everything kept here goes. */
  async forget(): Promise<void> {
    this.stop();
    this.results.clear();
    this.started.clear();
    this.changed(undefined);
    await this.db.destroy();
  }

  private schedule(delay = Math.min(MAX_STATUS_POLL_MS, STATUS_POLL_MS * 2 ** this.quiet)): void {
    if (this.stopped || this.asking) return;
    if (![...this.results.values()].some((r) => r.status === 'waiting')) return;
    if (this.timer !== undefined && delay > 0) return;
    clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.ask(), delay);
  }

  /** Asks the server about the newest waiting results and records what it decided. */
  private async ask(): Promise<void> {
    this.timer = undefined;
    const credentials = this.credentials();
    const waiting = this.list()
      .filter((r) => r.status === 'waiting')
      .slice(-MAX_STATUS_LEASES);
    if (!credentials || waiting.length === 0) return this.schedule();
    this.asking = true;
    try {
      const response = await fetch(`${this.origin}${API_PREFIX}/volunteers/me/results`, {
        method: 'POST',
        headers: { authorization: `Bearer ${credentials.secret}`, 'content-type': 'application/json' },
        body: JSON.stringify({ leases: waiting.map((r) => r.lease) }),
      });
      if (response.ok) this.apply((await response.json()) as ResultStatusResponse);
    } catch {
      // Offline: the next poll asks again.
    } finally {
      this.asking = false;
    }
    this.schedule();
  }

  private apply(answer: ResultStatusResponse): void {
    const changed: OwnResult[] = [];
    for (const { lease, status } of answer.results) {
      const result = this.results.get(lease);
      if (!result || result.status === status) continue;
      const next = { ...result, status };
      this.results.set(lease, next);
      changed.push(next);
    }
    if (changed.length === 0) {
      this.quiet = Math.min(this.quiet + 1, 8);
      return;
    }
    this.quiet = 0;
    void this.db.put(changed).catch(() => undefined);
    for (const project of new Set(changed.map((r) => r.project))) this.changed(project);
    if (changed.some((r) => r.status === 'confirmed')) this.onConfirmed();
  }

  private prune(): void {
    if (this.results.size <= MAX_KEPT) return;
    const oldest = this.list().sort(
      (a, b) => Number(a.status === 'waiting') - Number(b.status === 'waiting') || a.finishedAt - b.finishedAt,
    );
    const gone = oldest.slice(0, this.results.size - MAX_KEPT).map((r) => r.lease);
    for (const lease of gone) this.results.delete(lease);
    void this.db.remove(gone).catch(() => undefined);
    this.changed(undefined);
  }

  private changed(project: string | undefined): void {
    for (const { project: wanted, fn } of this.listeners) {
      if (project === undefined || wanted === undefined || wanted === project) fn(this.list(wanted));
    }
  }
}
