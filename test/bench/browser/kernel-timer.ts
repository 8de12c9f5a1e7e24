// Times one sc1 kernel's `run` export in a page-side Web Worker: a fresh instance per repetition
// (kernels serve one run each), only the call timed, the fastest of `reps` kept, and the output
// text returned so the bench can check it against the native twin's.
import type { Page } from 'playwright-core';

const WORKER_SOURCE = `
self.onmessage = async (event) => {
  const { wasm, input, reps } = event.data;
  const module = await WebAssembly.compile(wasm);
  const bytes = new TextEncoder().encode(input);
  const imports = {
    sc: { progress: () => {}, checkpoint: () => {} },
    env: { abort: () => { throw new Error('kernel aborted'); } },
  };
  let best = Infinity;
  let output = '';
  for (let r = 0; r < reps; r++) {
    const { exports: x } = await WebAssembly.instantiate(module, imports);
    const ptr = x.alloc(bytes.length) >>> 0;
    new Uint8Array(x.memory.buffer, ptr, bytes.length).set(bytes);
    const t0 = performance.now();
    const status = x.run(ptr, bytes.length);
    const ms = performance.now() - t0;
    if (status !== 0) throw new Error('kernel returned status ' + status);
    best = Math.min(best, ms);
    output = new TextDecoder().decode(new Uint8Array(x.memory.buffer, x.output_ptr() >>> 0, x.output_len() >>> 0));
  }
  self.postMessage({ ms: best, output });
};
`;

export interface KernelTiming {
  /** Fastest run in milliseconds (performance.now, which Chromium coarsens to 0.1 ms or finer). */
  ms: number;
  output: string;
}

export function timeKernel(page: Page, wasm: Uint8Array, input: string, reps: number): Promise<KernelTiming> {
  return page.evaluate(
    async ({ source, bytes, input, reps }) => {
      const url = URL.createObjectURL(new Blob([source], { type: 'text/javascript' }));
      const worker = new Worker(url);
      try {
        return await new Promise<KernelTiming>((resolve, reject) => {
          worker.onmessage = (event) => resolve(event.data as KernelTiming);
          worker.onerror = (event) => reject(new Error(event.message));
          worker.postMessage({ wasm: new Uint8Array(bytes), input, reps });
        });
      } finally {
        worker.terminate();
        URL.revokeObjectURL(url);
      }
    },
    { source: WORKER_SOURCE, bytes: Array.from(wasm), input, reps },
  );
}
