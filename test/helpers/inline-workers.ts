// A WorkerFactory that runs kernels on the test's own thread: enough to test the runtime's
// bookkeeping without worker threads (the pool's termination is tested with real threads).
import { createKernelWorkerApi } from '../../src/runtime/kernel-worker-api.js';
import type { KernelCallbacks } from '../../src/protocol/worker.js';
import type { KernelWorker, WorkerFactory } from '../../src/runtime/ports.js';

export class InlineWorkers implements WorkerFactory {
  created = 0;
  create(): KernelWorker {
    this.created++;
    const api = createKernelWorkerApi();
    const jobs = new Map<number, KernelCallbacks>();
    let nextId = 1;
    api.connect({
      progress: (fraction, id) => jobs.get(id ?? 0)?.progress(fraction),
      checkpoint: (state, id) => jobs.get(id ?? 0)?.checkpoint(state),
    });
    return {
      run: (job, callbacks) => {
        const id = nextId++;
        jobs.set(id, callbacks);
        return api.run({ ...job, id }).finally(() => jobs.delete(id));
      },
      terminate() {},
      onCrash() {},
    };
  }
}
