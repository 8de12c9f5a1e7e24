// The volunteer engine: keeps a small buffer of leased units, runs them on the worker pool,
// puts every result in the outbox before uploading it, and stops at once on pause. Between two
// units a thread touches neither storage nor network: the buffer lives in memory (mirrored in
// the store) and is topped up in the background, and a result is stored while the next unit
// runs. The same class runs in the browser and in the headless Node volunteer; only the ports differ.
import { MAX_LEASE_UNITS, type Lease } from '../protocol/api.js';
import { bytesToBase64 } from '../protocol/encoding.js';
import { DEFAULT_MAX_MEMORY_BYTES } from '../protocol/worker.js';
import { Backoff, sleep } from './backoff.js';
import { DEFAULT_CHECKPOINT_INTERVAL_MS } from './checkpoint-writer.js';
import { ServerError } from './errors.js';
import { KernelCache } from './kernel-cache.js';
import { Outbox } from './outbox.js';
import { ResultWriter } from './result-writer.js';
import type { Credentials, OutboxEntry } from './ports.js';
import type { RuntimeEvent, RuntimeState, RuntimeStats } from './runtime-events.js';
import { checkRuntimeOptions, type RuntimeOptions } from './runtime-options.js';
import { Throttle } from './throttle.js';
import { UnitBuffer } from './unit-buffer.js';
import { UnitRun, type UnitRunContext } from './unit-run.js';
import { WorkerPool, type Lane } from './worker-pool.js';

export type { RuntimeOptions } from './runtime-options.js';

export type { RuntimeEvent, RuntimeState, RuntimeStats } from './runtime-events.js';

/** Results waiting to be stored beyond which a thread waits before its next unit (a stuck disk). */
const MAX_UNSTORED_RESULTS = 256;

export class VolunteerRuntime {
  readonly stats: RuntimeStats = { completed: 0, failed: 0, uploaded: 0, leased: 0 };
  private state: RuntimeState = 'stopped';
  private readonly listeners = new Set<(event: RuntimeEvent) => void>();
  private readonly pool: WorkerPool;
  private readonly kernels: KernelCache;
  private readonly outbox: Outbox;
  private readonly throttle: Throttle;
  private readonly buffer: UnitBuffer;
  private readonly results: ResultWriter;
  private readonly unitContext: UnitRunContext;
  /** Buffered units with a stored checkpoint, read at start: only these are looked up before running. */
  private resumable = new Set<string>();
  private projects: string[] | undefined;
  private credentials: Credentials | undefined;
  private stopper = new AbortController();
  private slots: Promise<void>[] = [];
  private idleSlots = 0;
  /** The last lease request failed (offline, server trouble): not a sign that work ran out. */
  private leaseFailing = false;
  private finished!: () => void;
  /** Resolves when the runtime finishes on its own (max units reached, or idle with exitWhenIdle). */
  readonly done: Promise<void>;

  constructor(private readonly options: RuntimeOptions) {
    checkRuntimeOptions(options);
    this.throttle = new Throttle(options.cpuPercent ?? 100, { now: () => this.now(), sleep });
    this.projects = options.projects;
    this.pool = new WorkerPool(options.workers);
    this.pool.setCpuPercent(this.throttle.percent);
    this.kernels = new KernelCache(options.store, options.transport);
    this.outbox = new Outbox(options.store, options.transport, () => this.credentials!, {
      uploaded: (acks) => {
        this.stats.uploaded += acks.length;
        this.emit({ type: 'uploaded', acks });
      },
      offline: (error) => this.emit({ type: 'offline', message: error.message }),
      fatal: (error) => {
        this.emit({ type: 'error', message: `the server refused our results: ${error.message}` });
        void this.stop();
      },
    });
    this.buffer = new UnitBuffer(options.store, {
      threads: options.threads,
      ...(options.prefetch !== undefined ? { prefetch: options.prefetch } : {}),
      ...(options.maxPrefetch !== undefined ? { maxPrefetch: options.maxPrefetch } : {}),
      now: () => this.now(),
      lease: (want) => this.leaseMore(want),
    });
    this.results = new ResultWriter(options.store, {
      stored: (entries) => this.stored(entries),
      failed: (error) =>
        this.emit({ type: 'error', message: `cannot store a result (its unit will run again): ${error.message}` }),
    });
    this.unitContext = {
      store: options.store,
      kernels: this.kernels,
      results: this.results,
      maxMemoryBytes: options.maxMemoryBytes ?? DEFAULT_MAX_MEMORY_BYTES,
      checkpointIntervalMs: options.checkpointIntervalMs ?? DEFAULT_CHECKPOINT_INTERVAL_MS,
      now: () => this.now(),
      emit: (event) => this.emit(event),
    };
    this.done = new Promise((resolve) => (this.finished = resolve));
  }

  get currentState(): RuntimeState {
    return this.state;
  }

  on(listener: (event: RuntimeEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  get cpuPercent(): number {
    return this.throttle.percent;
  }

  /** Changes the CPU share: threads resting between units recompute their rest from it, and
   * running kernels that report progress are duty-cycled to it mid-unit where memory is shared. */
  setCpuPercent(percent: number): void {
    this.throttle.set(percent);
    this.pool.setCpuPercent(percent);
  }

  /** Changes the projects worked for from the next lease on; units already buffered still run. */
  setProjects(projects: string[] | undefined): void {
    this.projects = projects;
  }

  /** The volunteer's identity, registering one with the server on first use. */
  async identity(): Promise<Credentials> {
    if (this.credentials) return this.credentials;
    let credentials = await this.options.store.getCredentials();
    if (!credentials) {
      // The private key never leaves this store; in a browser it cannot even be exported.
      const keys = await crypto.subtle.generateKey(
        { name: 'ECDSA', namedCurve: 'P-256' },
        this.options.store.extractableKeys ?? false,
        ['sign', 'verify'],
      );
      const publicKey = bytesToBase64(new Uint8Array(await crypto.subtle.exportKey('spki', keys.publicKey)));
      const registered = await this.options.transport.register(publicKey, this.options.site);
      credentials = {
        volunteer: registered.volunteer,
        secret: registered.secret,
        name: registered.name,
        publicKey,
        privateKey: keys.privateKey,
      };
      await this.options.store.putCredentials(credentials);
    }
    this.credentials = credentials;
    return credentials;
  }

  async start(): Promise<void> {
    if (this.state === 'running' || this.state === 'idle' || this.state === 'finished') return;
    await this.identity();
    // Units a pause gave back (or an earlier session leased), and which of them can resume.
    await this.buffer.load();
    this.resumable = new Set(await this.options.store.listCheckpoints());
    this.stopper = new AbortController();
    this.setState('running');
    void this.outbox.flush();
    this.idleSlots = 0;
    this.slots = Array.from({ length: this.options.threads }, () => this.slot());
  }

  /** Pauses: running kernels are terminated at once; their units stay buffered for later. */
  async stop(): Promise<void> {
    if (this.state === 'stopped' || this.state === 'finished') return;
    this.stopper.abort();
    this.pool.stop();
    await Promise.all(this.slots);
    this.slots = [];
    await this.results.settle();
    if ((this.state as RuntimeState) !== 'finished') this.setState('stopped');
  }

  /** Stops for good, uploading what can be uploaded first. */
  async close(): Promise<void> {
    await this.stop();
    // A lease request under way stores its units: the next runtime on this store finds them.
    await this.buffer.settle();
    this.outbox.close();
  }

  /** One thread's loop: take a unit, run it, rest; at full speed the next unit is already queued
   * in the thread behind the running one, so the thread never waits on the page between units. */
  private async slot(): Promise<void> {
    const idle = new Backoff(this.options.idlePollMs?.min ?? 1000, this.options.idlePollMs?.max ?? 30_000);
    const signal = this.stopper.signal;
    const lane = this.pool.lane();
    /** Units sent to the thread behind the running one, in order. */
    const queued: UnitRun[] = [];
    while (!signal.aborted) {
      if (this.results.pending > MAX_UNSTORED_RESULTS) await this.results.settle();
      let run = queued.shift();
      if (!run) {
        const lease = await this.buffer.take();
        if (signal.aborted || !lease) {
          if (lease) this.buffer.release(lease);
          if (signal.aborted) break;
          this.idleSlots++;
          if (this.idleSlots === this.options.threads && this.state === 'running') this.setState('idle');
          if (await this.maybeFinish()) break;
          await sleep(idle.next(), signal);
          this.idleSlots--;
          continue;
        }
        idle.reset();
        run = await this.send(lane, lease, idle, signal);
        if (!run) continue;
      }
      if (this.state === 'idle') this.setState('running');
      this.emit({ type: 'unit-start', lease: run.lease });
      // At full speed, enough work waits in the thread to cover the page being busy for a while.
      while (this.throttle.percent >= 100 && queued.length < this.buffer.lookahead()) {
        const next = this.buffer.takeBuffered();
        const sent = next && (await this.send(lane, next, idle, signal));
        if (!sent) break;
        queued.push(sent);
      }
      this.options.store.setRunning?.(this.buffer.running);
      try {
        const { busyMs, restedMs, ok } = await run.complete();
        if (ok) this.buffer.recordRun(busyMs);
        await this.throttle.rest(busyMs, signal, restedMs);
      } catch (err) {
        // Only a pause stops a unit here: it stays buffered, with its latest checkpoint.
        if (run.checkpointed) this.resumable.add(run.lease.lease);
        this.emit({ type: 'unit-stopped', lease: run.lease.lease, reason: (err as Error).message });
        break;
      } finally {
        this.buffer.release(run.lease);
        this.options.store.setRunning?.(this.buffer.running);
      }
    }
    for (const unsent of queued) this.buffer.release(unsent.lease);
  }

  /** Sends a unit to the lane; when it cannot be (its kernel cannot be fetched, say) says why,
   * gives the unit back for a later try and returns undefined. */
  private async send(lane: Lane, lease: Lease, idle: Backoff, signal: AbortSignal): Promise<UnitRun | undefined> {
    try {
      return await UnitRun.send(lane, lease, this.resumable.has(lease.lease), this.unitContext);
    } catch (err) {
      const message = (err as Error).message;
      this.emit({ type: 'unit-stopped', lease: lease.lease, reason: message });
      this.emit({ type: 'error', message });
      this.buffer.release(lease, true);
      await sleep(idle.next(), signal);
      return undefined;
    }
  }

  /** Leases up to `want` units and stores them before any is relied on; none when stopped or failing. */
  private async leaseMore(want: number): Promise<Lease[]> {
    const { maxUnits } = this.options;
    if (maxUnits !== undefined) want = Math.min(want, maxUnits - this.stats.leased);
    // A large prefetch fills over several requests: the server takes at most this many per request.
    want = Math.min(want, MAX_LEASE_UNITS);
    if (want <= 0 || this.stopper.signal.aborted) return [];
    try {
      const leases = await this.options.transport.lease(await this.identity(), want, this.projects);
      await this.options.store.putUnits(leases);
      this.stats.leased += leases.length;
      this.leaseFailing = false;
      return leases;
    } catch (err) {
      const message = (err as Error).message;
      // A failed request says nothing about whether work is left: only a server that answers
      // "none" lets an exit-when-idle volunteer finish. A refusal that will not change is final.
      if (err instanceof ServerError && err.permanent) this.emit({ type: 'error', message });
      else {
        this.leaseFailing = true;
        this.emit({ type: 'offline', message });
      }
      return [];
    }
  }

  /** Results durably in the outbox: counted, announced, and uploaded. */
  private stored(entries: OutboxEntry[]): void {
    for (const entry of entries) {
      this.resumable.delete(entry.lease);
      if (entry.error === undefined) this.stats.completed++;
      else this.stats.failed++;
      this.emit({
        type: 'unit-done',
        lease: entry.lease,
        unit: entry.unit,
        project: entry.project,
        ok: entry.error === undefined,
        elapsedMs: entry.elapsedMs,
        finishedAt: entry.finishedAt,
        ...(entry.error === undefined ? {} : { error: entry.error }),
        ...(entry.output === undefined ? {} : { output: entry.output }),
      });
    }
    // Uploaded in batches while more units run; at once when this was the last one buffered.
    this.outbox.queued(entries.length, this.buffer.waiting === 0);
  }

  /** With maxUnits or exitWhenIdle, finishes once nothing is left to run or upload. */
  private async maybeFinish(): Promise<boolean> {
    const { maxUnits, exitWhenIdle } = this.options;
    const reachedMax = maxUnits !== undefined && this.stats.leased >= maxUnits;
    if (!reachedMax && !exitWhenIdle) return false;
    if (this.leaseFailing || this.buffer.leasing || this.buffer.waiting > 0 || this.buffer.running.length > 0)
      return false;
    await this.results.settle();
    await this.outbox.flush();
    if ((await this.outbox.pending()) > 0) return false;
    if (this.state === 'finished') return true;
    this.setState('finished');
    this.stopper.abort();
    this.pool.stop();
    this.outbox.close();
    this.finished();
    return true;
  }

  private now(): number {
    return (this.options.now ?? Date.now)();
  }

  private setState(state: RuntimeState): void {
    if (this.state === state) return;
    this.state = state;
    this.emit({ type: 'state', state });
  }

  private emit(event: RuntimeEvent): void {
    for (const listener of this.listeners) listener(event);
  }
}
