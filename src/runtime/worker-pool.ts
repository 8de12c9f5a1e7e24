// Owns the kernel threads: hands each job a thread, stops a job that runs past its budget by
// terminating its thread (a WebAssembly loop cannot be interrupted any other way), replaces
// crashed threads and threads whose kernel outgrew its memory, and stops everything at once on pause.
import type { KernelCallbacks, KernelJob, KernelOutcome } from '../protocol/worker.js';
import { AbortError } from './errors.js';
import type { KernelWorker, WorkerFactory } from './ports.js';

export interface RunLimits {
  timeoutMs: number;
}

interface Running {
  worker: KernelWorker;
  abort(): void;
}

export class WorkerPool {
  private readonly idle: KernelWorker[] = [];
  private readonly running = new Set<Running>();
  /** Kernel hashes each worker has compiled, so their bytes cross threads only once. */
  private readonly known = new WeakMap<KernelWorker, Set<string>>();

  private cpuPercent = 100;

  constructor(private readonly factory: WorkerFactory) {}

  /** Sets the in-unit CPU share of every thread, running ones included, and of those created later. */
  setCpuPercent(percent: number): void {
    this.cpuPercent = percent;
    for (const worker of this.idle) worker.setCpuPercent?.(percent);
    for (const entry of this.running) entry.worker.setCpuPercent?.(percent);
  }

  get busy(): number {
    return this.running.size;
  }

  /** Runs a job on a free thread. Resolves with the kernel's outcome (failures included);
   * rejects only with AbortError when the pool is stopped meanwhile. */
  run(job: KernelJob, limits: RunLimits, callbacks: KernelCallbacks): Promise<KernelOutcome> {
    if (!(limits.timeoutMs > 0)) throw new RangeError(`timeoutMs must be a positive number, got ${limits.timeoutMs}`);
    const worker = this.idle.pop() ?? this.create();
    let known = this.known.get(worker);
    if (!known) this.known.set(worker, (known = new Set()));
    const { kernel, ...rest } = job;
    const sent: KernelJob = known.has(job.kernelHash) ? rest : job;
    if (!kernel && !known.has(job.kernelHash))
      throw new RangeError(`job for kernel ${job.kernelHash} has no module bytes`);
    return new Promise<KernelOutcome>((resolve, reject) => {
      let settled = false;
      const finish = (keepWorker: boolean, outcome?: KernelOutcome, error?: Error) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        this.running.delete(entry);
        if (keepWorker) this.idle.push(worker);
        else worker.terminate();
        if (error) reject(error);
        else resolve(outcome!);
      };
      const entry: Running = {
        worker,
        abort: () => finish(false, undefined, new AbortError('the pool was stopped')),
      };
      this.running.add(entry);
      const timer = setTimeout(
        () =>
          finish(false, {
            ok: false,
            error: {
              kind: 'timeout',
              message: `kernel ran past its budget of ${Math.round(limits.timeoutMs / 1000)} s and was stopped`,
            },
          }),
        limits.timeoutMs,
      );
      worker.onCrash((reason) =>
        finish(false, { ok: false, error: { kind: 'crash', message: `kernel thread crashed: ${reason}` } }),
      );
      worker.run(sent, callbacks).then(
        (outcome) => {
          known.add(job.kernelHash);
          // A kernel that outgrew its memory leaves the thread's heap bloated: replace the thread.
          finish(outcome.ok || outcome.error.kind !== 'memory', outcome);
        },
        (err: unknown) =>
          finish(false, {
            ok: false,
            error: { kind: 'crash', message: `kernel thread failed: ${(err as Error)?.message ?? err}` },
          }),
      );
    });
  }

  private create(): KernelWorker {
    const worker = this.factory.create();
    if (this.cpuPercent !== 100) worker.setCpuPercent?.(this.cpuPercent);
    return worker;
  }

  /** Terminates every thread; running jobs reject with AbortError. */
  stop(): void {
    for (const entry of [...this.running]) entry.abort();
    for (const worker of this.idle.splice(0)) worker.terminate();
  }
}
