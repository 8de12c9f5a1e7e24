// WorkerFactory on Node: each kernel thread is a worker_threads Worker driven through comlink.
import { Worker } from 'node:worker_threads';
import { proxy, wrap } from 'comlink';
import nodeEndpoint from 'comlink/dist/esm/node-adapter.mjs';
import type { KernelCallbacks, KernelWorkerApi } from '../../protocol/worker.js';
import type { KernelWorker, WorkerFactory } from '../ports.js';

const WORKER_URL = new URL('./kernel-worker.js', import.meta.url);

export class ThreadFactory implements WorkerFactory {
  create(): KernelWorker {
    const worker = new Worker(WORKER_URL);
    const api = wrap<KernelWorkerApi>(nodeEndpoint(worker));
    // One callback channel per thread, set up once: a comlink proxy per job would open a new
    // MessageChannel for every unit.
    let current: KernelCallbacks | undefined;
    void api.connect(
      proxy({
        progress: (fraction: number) => current?.progress(fraction),
        checkpoint: (state: Uint8Array) => current?.checkpoint(state),
      }),
    );
    let crashListener: ((reason: string) => void) | undefined;
    let terminated = false;
    worker.on('error', (err) => crashListener?.(err.message));
    worker.on('exit', (code) => {
      if (!terminated) crashListener?.(`thread exited with code ${code}`);
    });
    return {
      run: (job, callbacks) => {
        current = callbacks;
        return api.run(job);
      },
      terminate: () => {
        terminated = true;
        void worker.terminate();
      },
      onCrash: (listener) => {
        crashListener = listener;
      },
    };
  }
}
