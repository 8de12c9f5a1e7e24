// The leased-unit buffer. Every lease is stored durably before it is relied on (a reload keeps
// it) and mirrored here in memory, so taking the next unit reads no storage. More units are
// leased in the background before the buffer runs dry, sized to about PREFETCH_SECONDS of this
// volunteer's work per thread: short units need a deeper buffer to hide a lease round trip,
// long ones a shallow one — a buffer, never days of work.
import type { Lease } from '../protocol/api.js';
import type { RuntimeStore } from './ports.js';

/** Work per thread, in seconds, the buffer holds ahead once unit times are known. */
export const PREFETCH_SECONDS = 2;
/** Most units buffered per thread beyond the running one, however short they are. */
export const MAX_PREFETCH_PER_THREAD = 128;
/** Most input bytes (as leased, base64) the prefetch holds, however short the units: large
 * inputs fill storage and lease responses fast. One unit per thread is always allowed. */
export const PREFETCH_BYTES = 16 * 1024 * 1024;
/** Work, in ms, queued in a thread behind its running unit at full speed (LOOKAHEAD_MAX units at most). */
export const LOOKAHEAD_MS = 50;
export const LOOKAHEAD_MAX = 8;
/** Leases whose deadline is this close are not started: their result would arrive too late. */
export const DEADLINE_MARGIN_MS = 2000;

export interface UnitBufferOptions {
  threads: number;
  /** Units leased beyond one per thread; adaptive (see PREFETCH_SECONDS) when absent. */
  prefetch?: number;
  /** Caps the adaptive prefetch (units in all, beyond one per thread). */
  maxPrefetch?: number;
  now(): number;
  /** Leases up to `want` units and stores them durably; an empty list when there are none to have. */
  lease(want: number): Promise<Lease[]>;
}

export class UnitBuffer {
  /** Buffered units no thread runs yet, oldest lease first. */
  private readonly queued = new Map<string, Lease>();
  /** Units a thread has taken and not yet released. */
  private readonly taken = new Set<string>();
  private refilling: Promise<number> | undefined;
  /** The last lease request brought nothing: no background request until a thread asks again. */
  private dry = false;
  /** Moving average of unit run times (ms), for sizing the prefetch. */
  private meanUnitMs = 0;
  /** Moving average of leased input sizes (base64 characters), for sizing the prefetch. */
  private meanInputBytes = 0;

  constructor(
    private readonly store: RuntimeStore,
    private readonly options: UnitBufferOptions,
  ) {}

  /** Units buffered and not running. */
  get waiting(): number {
    return this.queued.size;
  }

  /** Units taken by a thread and not yet released. */
  get running(): string[] {
    return [...this.taken];
  }

  /** True while a lease request is under way (it may bring units). */
  get leasing(): boolean {
    return this.refilling !== undefined;
  }

  /** Rereads the stored buffer: units leased by an earlier session, and units a pause gave back. */
  async load(): Promise<void> {
    await this.settle();
    const stored = await this.store.listUnits();
    this.queued.clear();
    for (const lease of stored) if (!this.taken.has(lease.lease)) this.queued.set(lease.lease, lease);
    this.dry = false;
  }

  /** The next unit to run, leasing more when none is buffered; undefined when none can be had. */
  async take(): Promise<Lease | undefined> {
    for (let attempt = 0; ; attempt++) {
      const lease = this.pop();
      if (lease) {
        this.topUp();
        return lease;
      }
      // Another thread may take what one request brings; ask a couple of times before idling.
      if (attempt === 2) return undefined;
      this.dry = false;
      if ((await this.refill()) === 0 && this.queued.size === 0) return undefined;
    }
  }

  /** The next buffered unit, if one is: never waits, never leases (a thread queues it ahead). */
  takeBuffered(): Lease | undefined {
    const lease = this.pop();
    if (lease) this.topUp();
    return lease;
  }

  /** A thread is done with `lease`; `retry` puts it back at the end of the queue (it failed to run, not in the kernel). */
  release(lease: Lease, retry = false): void {
    this.taken.delete(lease.lease);
    if (retry) this.queued.set(lease.lease, lease);
  }

  /** Feeds the prefetch sizing with how long a unit took to run. */
  recordRun(ms: number): void {
    this.meanUnitMs = this.meanUnitMs === 0 ? ms : 0.8 * this.meanUnitMs + 0.2 * ms;
  }

  /** Resolves once no lease request is under way. */
  async settle(): Promise<void> {
    while (this.refilling) await this.refilling;
  }

  /** Units leased beyond one per thread. */
  prefetch(): number {
    const { threads, prefetch, maxPrefetch = Infinity } = this.options;
    if (prefetch !== undefined) return prefetch;
    if (this.meanUnitMs === 0) return Math.min(threads, maxPrefetch);
    const perThread = Math.ceil((PREFETCH_SECONDS * 1000) / Math.max(this.meanUnitMs, 1));
    const byTime = threads * Math.min(MAX_PREFETCH_PER_THREAD, Math.max(1, perThread));
    const byBytes = Math.max(threads, Math.floor(PREFETCH_BYTES / Math.max(this.meanInputBytes, 1)));
    return Math.min(maxPrefetch, byTime, byBytes);
  }

  /** Units a thread should hold queued behind its running one: about LOOKAHEAD_MS of work. */
  lookahead(): number {
    if (this.meanUnitMs === 0) return 1;
    return Math.min(LOOKAHEAD_MAX, Math.max(1, Math.ceil(LOOKAHEAD_MS / this.meanUnitMs)));
  }

  private pop(): Lease | undefined {
    const now = this.options.now();
    for (const [id, lease] of this.queued) {
      this.queued.delete(id);
      if (lease.deadline - DEADLINE_MARGIN_MS < now) {
        // Too late to be worth running: the server gives it to someone else.
        this.store.dropUnit(id).catch(() => {});
        continue;
      }
      this.taken.add(id);
      return lease;
    }
    return undefined;
  }

  /** Leases ahead in the background once half the prefetch is used up. */
  private topUp(): void {
    if (this.dry || this.refilling) return;
    if (this.queued.size < Math.max(1, Math.ceil(this.prefetch() / 2))) void this.refill();
  }

  /** One lease request at a time, however many threads are hungry. */
  private refill(): Promise<number> {
    this.refilling ??= this.leaseMore().finally(() => (this.refilling = undefined));
    return this.refilling;
  }

  private async leaseMore(): Promise<number> {
    const want = this.options.threads + this.prefetch() - this.queued.size - this.taken.size;
    if (want <= 0) return 0;
    const leases = await this.options.lease(want);
    for (const lease of leases) {
      this.queued.set(lease.lease, lease);
      const bytes = lease.input.length;
      this.meanInputBytes = this.meanInputBytes === 0 ? bytes : 0.8 * this.meanInputBytes + 0.2 * bytes;
    }
    this.dry = leases.length === 0;
    return leases.length;
  }
}
