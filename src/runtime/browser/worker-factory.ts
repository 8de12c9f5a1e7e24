// WorkerFactory in the browser: each kernel thread is a module Web Worker driven through comlink.
import { proxy, wrap } from 'comlink';
import {
  CONTROL_CPU,
  CONTROL_SLOTS,
  CONTROL_STOP,
  type KernelCallbacks,
  type KernelWorkerApi,
} from '../../protocol/worker.js';
import type { KernelWorker, WorkerFactory } from '../ports.js';

export class BrowserWorkerFactory implements WorkerFactory {
  create(): KernelWorker {
    // The literal `new URL(…, import.meta.url)` inside `new Worker` is what lets Vite find and
    // bundle the worker entry; it must not be hoisted into a variable.
    const worker = new Worker(new URL('./kernel-worker.ts', import.meta.url), { type: 'module', name: 'sc-kernel' });
    const api = wrap<KernelWorkerApi>(worker);
    // terminate() alone leaves a busy kernel running for up to two seconds in Chromium; a shared
    // stop slot lets the kernel stop itself at its next progress report, and a shared CPU slot
    // lets a running kernel be duty-cycled at the share set now. SharedArrayBuffer exists only
    // on cross-origin isolated pages (COOP + COEP); elsewhere terminate() and gaps between
    // units are all we have.
    const control = globalThis.crossOriginIsolated
      ? new Int32Array(new SharedArrayBuffer(4 * CONTROL_SLOTS))
      : undefined;
    // One callback channel per worker: a comlink proxy per job would open a MessageChannel per unit.
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
    let errorListener: ((event: ErrorEvent) => void) | undefined;
    return {
      run: (job, callbacks) => {
        const id = nextId++;
        jobs.set(id, callbacks);
        // Reports that arrive after the outcome are dropped with the entry.
        return api.run({ ...job, id }).finally(() => jobs.delete(id));
      },
      terminate: () => {
        if (control) {
          Atomics.store(control, CONTROL_STOP, 1);
          Atomics.notify(control, CONTROL_STOP);
        }
        worker.terminate();
      },
      onCrash: (listener) => {
        if (errorListener) worker.removeEventListener('error', errorListener);
        errorListener = (event) => {
          // Handled here: the pool reports it as the unit's error, so keep it off the console.
          event.preventDefault();
          listener(event.message || 'the worker failed to load or threw an uncaught error');
        };
        worker.addEventListener('error', errorListener);
      },
      setCpuPercent: (percent) => {
        if (control) {
          Atomics.store(control, CONTROL_CPU, percent);
          // Wakes a kernel resting for the old share, so it recomputes its rest.
          Atomics.notify(control, CONTROL_STOP);
        }
        void api.setCpuPercent(percent);
      },
    };
  }
}
