// Owns the kernel threads. Each lane is one thread that runs jobs in order; a job may be sent
// while the one before still runs, so the thread starts it the moment the other ends instead of
// waiting for a round trip through the page. The pool stops a job that runs past its budget by
// terminating its thread (a WebAssembly loop cannot be interrupted any other way), replaces
// crashed threads and threads whose kernel outgrew its memory (sending the jobs queued behind
// to the new thread), and stops everything at once on pause.
import type { KernelCallbacks, KernelErrorKind, KernelJob, KernelOutcome } from '../protocol/worker.js';
import { AbortError } from './errors.js';
import type { KernelWorker, WorkerFactory } from './ports.js';

/** Failures that leave a thread unfit for the next job: stuck, dead, or with a bloated heap. */
const THREAD_FAILURES: ReadonlySet<KernelErrorKind> = new Set(['timeout', 'crash', 'memory']);

export interface RunLimits {
  timeoutMs: number;
}

interface Pending {
  job: KernelJob;
  limits: RunLimits;
  callbacks: KernelCallbacks;
  resolve(outcome: KernelOutcome): void;
  reject(error: Error): void;
  timer?: ReturnType<typeof setTimeout>;
  /** The thread it was sent to: an answer from an older thread is stale. */
  sentTo?: KernelWorker;
}

/** One kernel thread and the jobs sent to it, the running one first. */
export class Lane {
  private worker: KernelWorker | undefined;
  /** Kernel hashes the current thread has been sent, so their bytes cross threads only once. */
  private known = new Set<string>();
  private readonly jobs: Pending[] = [];

  constructor(
    private readonly create: () => KernelWorker,
    private readonly onIdle: (lane: Lane) => void,
  ) {}

  /** Jobs sent and not yet settled (the running one included). */
  get depth(): number {
    return this.jobs.length;
  }

  setCpuPercent(percent: number): void {
    this.worker?.setCpuPercent?.(percent);
  }

  /** Runs a job after those already sent to this lane. Resolves with the kernel's outcome
   * (failures included); rejects only with AbortError when the lane is stopped meanwhile. */
  run(job: KernelJob, limits: RunLimits, callbacks: KernelCallbacks): Promise<KernelOutcome> {
    if (!(limits.timeoutMs > 0)) throw new RangeError(`timeoutMs must be a positive number, got ${limits.timeoutMs}`);
    if (!job.kernel && !this.known.has(job.kernelHash))
      throw new RangeError(`job for kernel ${job.kernelHash} has no module bytes`);
    return new Promise<KernelOutcome>((resolve, reject) => {
      const pending: Pending = { job, limits, callbacks, resolve, reject };
      this.jobs.push(pending);
      this.send(pending);
      if (this.jobs.length === 1) this.arm(pending);
    });
  }

  /** Terminates the thread; every job sent to it rejects with AbortError. */
  stop(): void {
    this.retire();
    for (const pending of this.jobs.splice(0)) {
      clearTimeout(pending.timer);
      pending.reject(new AbortError('the pool was stopped'));
    }
  }

  private send(pending: Pending): void {
    const worker = this.thread();
    const { kernel, ...rest } = pending.job;
    // The bytes stay with the job: a replacement thread needs them again.
    const sent: KernelJob = this.known.has(pending.job.kernelHash) ? rest : pending.job;
    this.known.add(pending.job.kernelHash);
    pending.sentTo = worker;
    worker.run(sent, pending.callbacks).then(
      (outcome) => this.settle(pending, worker, outcome),
      (err: unknown) =>
        this.settle(pending, worker, {
          ok: false,
          error: { kind: 'crash', message: `kernel thread failed: ${(err as Error)?.message ?? err}` },
        }),
    );
  }

  /** Starts the time budget of the job now running (the head of the lane). */
  private arm(pending: Pending): void {
    const { timeoutMs } = pending.limits;
    pending.timer = setTimeout(
      () =>
        this.settle(pending, pending.sentTo, {
          ok: false,
          error: {
            kind: 'timeout',
            message: `kernel ran past its budget of ${Math.round(timeoutMs / 1000)} s and was stopped`,
          },
        }),
      timeoutMs,
    );
  }

  private settle(pending: Pending, from: KernelWorker | undefined, outcome: KernelOutcome): void {
    // Only the head can finish (a thread runs its jobs in order), and only on its current thread.
    if (this.jobs[0] !== pending || from !== this.worker) return;
    this.jobs.shift();
    clearTimeout(pending.timer);
    const failedThread = !outcome.ok && THREAD_FAILURES.has(outcome.error.kind);
    if (failedThread) {
      // A stuck, dead or bloated thread is replaced; the jobs queued behind go to the new one.
      this.retire();
      for (const queued of this.jobs) this.send(queued);
    }
    if (this.jobs[0]) this.arm(this.jobs[0]);
    pending.resolve(outcome);
    if (this.jobs.length === 0) this.onIdle(this);
  }

  private thread(): KernelWorker {
    if (!this.worker) {
      const worker = this.create();
      worker.onCrash((reason) => {
        const head = this.jobs[0];
        if (head && this.worker === worker)
          this.settle(head, worker, {
            ok: false,
            error: { kind: 'crash', message: `kernel thread crashed: ${reason}` },
          });
        else if (this.worker === worker) this.retire();
      });
      this.worker = worker;
      this.known = new Set();
    }
    return this.worker;
  }

  private retire(): void {
    this.worker?.terminate();
    this.worker = undefined;
    this.known = new Set();
  }
}

export class WorkerPool {
  private readonly lanes = new Set<Lane>();
  private readonly idle: Lane[] = [];
  private cpuPercent = 100;

  constructor(private readonly factory: WorkerFactory) {}

  /** Sets the in-unit CPU share of every thread, running ones included, and of those created later. */
  setCpuPercent(percent: number): void {
    this.cpuPercent = percent;
    for (const lane of this.lanes) lane.setCpuPercent(percent);
  }

  /** A lane of its own, for a caller that keeps one thread fed (it may queue a job behind another). */
  lane(): Lane {
    return this.newLane(() => {});
  }

  /** Runs a job on a free thread of the pool's own; see Lane.run. */
  run(job: KernelJob, limits: RunLimits, callbacks: KernelCallbacks): Promise<KernelOutcome> {
    const lane = this.idle.pop() ?? this.newLane((free) => this.idle.push(free));
    return lane.run(job, limits, callbacks);
  }

  private newLane(onIdle: (lane: Lane) => void): Lane {
    const lane = new Lane(() => {
      const worker = this.factory.create();
      if (this.cpuPercent !== 100) worker.setCpuPercent?.(this.cpuPercent);
      return worker;
    }, onIdle);
    this.lanes.add(lane);
    return lane;
  }

  /** Terminates every thread; running and queued jobs reject with AbortError. */
  stop(): void {
    for (const lane of this.lanes) lane.stop();
    this.lanes.clear();
    this.idle.length = 0;
  }
}
