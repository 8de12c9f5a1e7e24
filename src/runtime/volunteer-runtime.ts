// The volunteer engine: keeps a small buffer of leased units, runs them on the worker pool,
// puts every result in the outbox before uploading it, and stops at once on pause. The same
// class runs in the browser and in the headless Node volunteer; only the ports differ.
import type { Lease } from '../protocol/api.js';
import { base64ToBytes, bytesToBase64 } from '../protocol/encoding.js';
import { MAX_OUTPUT_BYTES } from '../protocol/abi.js';
import { DEFAULT_MAX_MEMORY_BYTES } from '../protocol/worker.js';
import { Backoff, sleep } from './backoff.js';
import { CheckpointWriter, DEFAULT_CHECKPOINT_INTERVAL_MS } from './checkpoint-writer.js';
import { AbortError, ServerError } from './errors.js';
import { KernelCache } from './kernel-cache.js';
import { Outbox } from './outbox.js';
import type { Credentials, OutboxEntry } from './ports.js';
import type { RuntimeEvent, RuntimeState, RuntimeStats } from './runtime-events.js';
import { checkRuntimeOptions, type RuntimeOptions } from './runtime-options.js';
import { Throttle } from './throttle.js';
import { WorkerPool } from './worker-pool.js';

export type { RuntimeOptions } from './runtime-options.js';

export type { RuntimeEvent, RuntimeState, RuntimeStats } from './runtime-events.js';

/** Leases whose deadline is this close are not started: their result would arrive too late. */
const DEADLINE_MARGIN_MS = 2000;

export class VolunteerRuntime {
  readonly stats: RuntimeStats = { completed: 0, failed: 0, uploaded: 0, leased: 0 };
  private state: RuntimeState = 'stopped';
  private readonly listeners = new Set<(event: RuntimeEvent) => void>();
  private readonly pool: WorkerPool;
  private readonly kernels: KernelCache;
  private readonly outbox: Outbox;
  private readonly throttle: Throttle;
  private projects: string[] | undefined;
  private readonly claimed = new Set<string>();
  /** Units finished in this session: a listing read before one finished must not run it again. */
  private readonly finishedUnits = new Set<string>();
  private credentials: Credentials | undefined;
  private stopper = new AbortController();
  private slots: Promise<void>[] = [];
  private refilling: Promise<number> | undefined;
  private idleSlots = 0;
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
    if ((this.state as RuntimeState) !== 'finished') this.setState('stopped');
  }

  /** Stops for good, uploading what can be uploaded first. */
  async close(): Promise<void> {
    await this.stop();
    this.outbox.close();
  }

  private async slot(): Promise<void> {
    const idle = new Backoff(this.options.idlePollMs?.min ?? 1000, this.options.idlePollMs?.max ?? 30_000);
    const signal = this.stopper.signal;
    while (!signal.aborted) {
      const lease = await this.nextUnit();
      if (signal.aborted) break;
      if (!lease) {
        this.idleSlots++;
        if (this.idleSlots === this.options.threads && this.state === 'running') this.setState('idle');
        if (await this.maybeFinish()) break;
        await sleep(idle.next(), signal);
        this.idleSlots--;
        continue;
      }
      idle.reset();
      if (this.state === 'idle') this.setState('running');
      try {
        const busyMs = await this.runUnit(lease);
        await this.throttle.rest(busyMs, signal);
      } catch (err) {
        const message = (err as Error).message;
        this.emit({ type: 'unit-stopped', lease: lease.lease, reason: message });
        if (err instanceof AbortError) break;
        this.emit({ type: 'error', message });
        await sleep(idle.next(), signal);
      } finally {
        this.claimed.delete(lease.lease);
        this.options.store.setRunning?.([...this.claimed]);
      }
    }
  }

  private async nextUnit(): Promise<Lease | undefined> {
    for (let attempt = 0; attempt < 2; attempt++) {
      const now = this.now();
      for (const lease of await this.options.store.listUnits()) {
        if (this.claimed.has(lease.lease) || this.finishedUnits.has(lease.lease)) continue;
        if (lease.deadline - DEADLINE_MARGIN_MS < now) {
          await this.options.store.dropUnit(lease.lease);
          continue;
        }
        this.claimed.add(lease.lease);
        this.options.store.setRunning?.([...this.claimed]);
        return lease;
      }
      if (attempt === 0 && (await this.refill()) === 0) return undefined;
    }
    return undefined;
  }

  /** Leases more units; one request at a time however many threads are hungry. */
  private refill(): Promise<number> {
    this.refilling ??= this.leaseMore().finally(() => (this.refilling = undefined));
    return this.refilling;
  }

  private async leaseMore(): Promise<number> {
    const { maxUnits, threads, prefetch = threads } = this.options;
    const buffered = (await this.options.store.listUnits()).length;
    let want = threads + prefetch - buffered;
    if (maxUnits !== undefined) want = Math.min(want, maxUnits - this.stats.leased);
    if (want <= 0) return 0;
    try {
      const leases = await this.options.transport.lease(await this.identity(), want, this.projects);
      // Buffered durably before any of them is relied on.
      await this.options.store.putUnits(leases);
      this.stats.leased += leases.length;
      return leases.length;
    } catch (err) {
      const message = (err as Error).message;
      if (err instanceof ServerError && err.permanent) this.emit({ type: 'error', message });
      else this.emit({ type: 'offline', message });
      return 0;
    }
  }

  /** Runs one unit (from its last checkpoint, if any) and stores its outcome; returns the CPU time it took. */
  private async runUnit(lease: Lease): Promise<number> {
    this.emit({ type: 'unit-start', lease });
    const kernel = await this.kernels.get(lease.kernel);
    const resumeState = await this.options.store.getCheckpoint(lease.lease);
    const checkpoints = new CheckpointWriter(this.options.store, lease.lease, {
      intervalMs: this.options.checkpointIntervalMs ?? DEFAULT_CHECKPOINT_INTERVAL_MS,
      now: () => this.now(),
      onError: (error) => this.emit({ type: 'error', message: `cannot store a checkpoint: ${error.message}` }),
    });
    // Timed from here: fetching the kernel is not CPU time, so it neither counts nor earns a rest.
    const started = this.now();
    let outcome;
    try {
      outcome = await this.pool.run(
        {
          kernelHash: lease.kernel,
          abi: lease.abi,
          kernel,
          input: base64ToBytes(lease.input),
          maxOutputBytes: MAX_OUTPUT_BYTES,
          maxMemoryBytes: this.options.maxMemoryBytes ?? DEFAULT_MAX_MEMORY_BYTES,
          ...(resumeState ? { resumeState } : {}),
        },
        { timeoutMs: lease.maxRunSeconds * 1000 },
        {
          progress: (fraction) => this.emit({ type: 'unit-progress', lease: lease.lease, fraction }),
          checkpoint: (state) => checkpoints.offer(state),
        },
      );
    } catch (err) {
      // Paused: keep the latest state so the unit resumes from it.
      await checkpoints.flush();
      throw err;
    }
    await checkpoints.discard();
    // Time the kernel spent blocked by the in-unit throttle was rest, not work.
    const elapsedMs = Math.max(0, this.now() - started - (outcome.restedMs ?? 0));
    const entry: OutboxEntry = {
      lease: lease.lease,
      unit: lease.unit,
      project: lease.project,
      elapsedMs,
      finishedAt: this.now(),
      ...(outcome.ok ? { output: outcome.output } : { error: outcome.error.message }),
    };
    await this.options.store.finishUnit(entry);
    this.finishedUnits.add(lease.lease);
    if (outcome.ok) this.stats.completed++;
    else this.stats.failed++;
    this.emit({
      type: 'unit-done',
      lease: lease.lease,
      project: lease.project,
      ok: outcome.ok,
      elapsedMs,
      ...(outcome.ok ? {} : { error: outcome.error.message }),
    });
    void this.outbox.flush();
    return elapsedMs;
  }

  /** With maxUnits or exitWhenIdle, finishes once nothing is left to run or upload. */
  private async maybeFinish(): Promise<boolean> {
    const { maxUnits, exitWhenIdle } = this.options;
    const reachedMax = maxUnits !== undefined && this.stats.leased >= maxUnits;
    if (!reachedMax && !exitWhenIdle) return false;
    if (this.claimed.size > 0 || (await this.options.store.listUnits()).length > 0) return false;
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
