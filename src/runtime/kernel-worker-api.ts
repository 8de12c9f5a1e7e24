// The object a kernel worker exposes over comlink: compiles each kernel once per thread and
// runs jobs with the kernel host.
import type { KernelCallbacks, KernelJob, KernelOutcome, KernelWorkerApi } from '../protocol/worker.js';
import { runKernel } from './kernel-host.js';

const PROGRESS_INTERVAL_MS = 100;

export function createKernelWorkerApi(): KernelWorkerApi {
  const modules = new Map<string, Promise<WebAssembly.Module>>();
  let callbacks: KernelCallbacks = { progress() {}, checkpoint() {} };
  let stop: Int32Array | undefined;
  const checkStop = () => {
    if (stop && Atomics.load(stop, 0) !== 0) throw new Error('stopped by the host');
  };
  return {
    connect(listener: KernelCallbacks, stopFlag?: Int32Array): void {
      callbacks = listener;
      stop = stopFlag;
    },
    async run(job: KernelJob): Promise<KernelOutcome> {
      let compiled = modules.get(job.kernelHash);
      if (!compiled) {
        if (!job.kernel) {
          return { ok: false, error: { kind: 'crash', message: `worker has no module for kernel ${job.kernelHash}` } };
        }
        compiled = WebAssembly.compile(job.kernel as Uint8Array<ArrayBuffer>);
        modules.set(job.kernelHash, compiled);
      }
      let module: WebAssembly.Module;
      try {
        module = await compiled;
      } catch (err) {
        modules.delete(job.kernelHash);
        return { ok: false, error: { kind: 'abi', message: `kernel does not compile: ${(err as Error).message}` } };
      }
      // Kernels may report progress in a tight loop; crossing threads that often would cost more
      // than the work, so forward at most one report per interval.
      let lastReport = 0;
      const progress = (fraction: number) => {
        checkStop();
        const now = Date.now();
        if (now - lastReport < PROGRESS_INTERVAL_MS && fraction < 1) return;
        lastReport = now;
        void callbacks.progress(fraction);
      };
      const checkpoint = (state: Uint8Array) => {
        checkStop();
        void callbacks.checkpoint(state);
      };
      return runKernel(
        module,
        job.input,
        { maxOutputBytes: job.maxOutputBytes, resumeState: job.resumeState },
        { progress, checkpoint },
      );
    },
  };
}
