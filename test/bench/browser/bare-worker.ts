// A bare WebAssembly loop in a page-side Web Worker (made from a Blob URL): compile the kernel
// once, then for each input instantiate + alloc + run + read the output, as kernel-host.ts does,
// back to back with nothing else. Runs in the page via page.evaluate.
import type { Page } from 'playwright-core';

/** The worker's source: message {wasm, inputs: string[]} → {ms, units, outputs: number}. */
const WORKER_SOURCE = `
self.onmessage = async (event) => {
  const { wasm, inputs } = event.data;
  const encoder = new TextEncoder();
  const start = performance.now();
  const module = await WebAssembly.compile(wasm);
  let memory;
  const imports = {
    sc: { progress: () => { void memory?.buffer.byteLength; }, checkpoint: () => {} },
    env: { abort: () => { throw new Error('kernel aborted'); } },
  };
  let outputBytes = 0;
  const times = [];
  for (const text of inputs) {
    const t0 = performance.now();
    const input = encoder.encode(text);
    const instance = await WebAssembly.instantiate(module, imports);
    const x = instance.exports;
    memory = x.memory;
    const ptr = x.alloc(input.length) >>> 0;
    new Uint8Array(x.memory.buffer, ptr, input.length).set(input);
    const status = x.run(ptr, input.length);
    if (status !== 0) throw new Error('kernel returned status ' + status);
    const len = x.output_len() >>> 0;
    const out = new Uint8Array(x.memory.buffer, x.output_ptr() >>> 0, len).slice();
    outputBytes += out.length;
    times.push(performance.now() - t0);
  }
  self.postMessage({ ms: performance.now() - start, units: inputs.length, outputBytes, times });
};
`;

export interface BareRun {
  ms: number;
  units: number;
  outputBytes: number;
  times: number[];
}

/** Runs `inputs` (JSON texts) through `wasm` in a fresh worker on `page`. */
export function runBare(page: Page, wasm: Uint8Array, inputs: string[]): Promise<BareRun> {
  return page.evaluate(
    async ({ source, bytes, inputs }) => {
      const url = URL.createObjectURL(new Blob([source], { type: 'text/javascript' }));
      const worker = new Worker(url);
      try {
        return await new Promise<BareRun>((resolve, reject) => {
          worker.onmessage = (event) => resolve(event.data as BareRun);
          worker.onerror = (event) => reject(new Error(event.message));
          worker.postMessage({ wasm: new Uint8Array(bytes), inputs });
        });
      } finally {
        worker.terminate();
        URL.revokeObjectURL(url);
      }
    },
    { source: WORKER_SOURCE, bytes: Array.from(wasm), inputs },
  );
}
