// WorkerFactory on Node: each kernel thread is a worker_threads Worker driven through comlink.
import { Worker } from 'node:worker_threads';
import { proxy, wrap } from 'comlink';
import nodeEndpoint from 'comlink/dist/esm/node-adapter.mjs';
import {
  CONTROL_CPU,
  CONTROL_SLOTS,
  CONTROL_STOP,
  DEFAULT_MAX_MEMORY_BYTES,
  type KernelCallbacks,
  type KernelWorkerApi,
} from '../../protocol/worker.js';
import type { KernelWorker, WorkerFactory } from '../ports.js';

const WORKER_URL = new URL('./kernel-worker.js', import.meta.url);

/**
 * V8 heap limits of a kernel thread. WebAssembly memory lives outside this heap (the kernel host
 * checks it against the job's maxMemoryBytes); these cap what the thread's JavaScript can hold,
 * copies of input and output included, so a runaway thread dies alone with ERR_WORKER_OUT_OF_MEMORY.
 */
const RESOURCE_LIMITS = { maxOldGenerationSizeMb: DEFAULT_MAX_MEMORY_BYTES / 2 ** 20, maxYoungGenerationSizeMb: 64 };

export interface ThreadFactoryOptions {
  /** Run kernels' `sc.fallback` builds (their scalar ones) even though Node has SIMD. */
  preferFallback?: boolean;
}

export class ThreadFactory implements WorkerFactory {
  constructor(private readonly options: ThreadFactoryOptions = {}) {}

  create(): KernelWorker {
    const worker = new Worker(WORKER_URL, {
      resourceLimits: RESOURCE_LIMITS,
      workerData: { preferFallback: this.options.preferFallback === true },
    });
    const api = wrap<KernelWorkerApi>(nodeEndpoint(worker));
    // Shared memory always exists in worker_threads: a stop slot lets terminate() unwind a busy
    // kernel at its next progress report, and a CPU slot duty-cycles running kernels live.
    const control = new Int32Array(new SharedArrayBuffer(4 * CONTROL_SLOTS));
    // One callback channel per thread, set up once: a comlink proxy per job would open a new
    // MessageChannel for every unit.
    // Jobs by id: a job queued behind the running one must not get that one's reports.
    const jobs = new Map<number, KernelCallbacks>();
    let nextId = 1;
    void api.connect(
      proxy({
        progress: (fraction: number, id?: number) => jobs.get(id ?? 0)?.progress(fraction),
        checkpoint: (state: Uint8Array, id?: number) => jobs.get(id ?? 0)?.checkpoint(state),
      }),
      control,
    );
    let crashListener: ((reason: string) => void) | undefined;
    let terminated = false;
    worker.on('error', (err) => crashListener?.(err.message));
    worker.on('exit', (code) => {
      if (!terminated) crashListener?.(`thread exited with code ${code}`);
    });
    return {
      run: (job, callbacks) => {
        const id = nextId++;
        jobs.set(id, callbacks);
        // Reports that arrive after the outcome are dropped with the entry.
        return api.run({ ...job, id }).finally(() => jobs.delete(id));
      },
      terminate: () => {
        terminated = true;
        Atomics.store(control, CONTROL_STOP, 1);
        Atomics.notify(control, CONTROL_STOP);
        void worker.terminate();
      },
      onCrash: (listener) => {
        crashListener = listener;
      },
      setCpuPercent: (percent) => {
        Atomics.store(control, CONTROL_CPU, percent);
        Atomics.notify(control, CONTROL_STOP);
      },
    };
  }
}
