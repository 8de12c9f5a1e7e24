// A WorkerFactory that runs kernels on the test's own thread: enough to test the runtime's
// bookkeeping without worker threads (the pool's termination is tested with real threads).
import { createKernelWorkerApi } from '../../src/runtime/kernel-worker-api.js';
import type { KernelWorker, WorkerFactory } from '../../src/runtime/ports.js';

export class InlineWorkers implements WorkerFactory {
  created = 0;
  create(): KernelWorker {
    this.created++;
    const api = createKernelWorkerApi();
    return {
      run: (job, callbacks) => {
        api.connect(callbacks);
        return api.run(job);
      },
      terminate() {},
      onCrash() {},
    };
  }
}
