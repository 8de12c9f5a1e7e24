// A quorum needs two honest volunteers to return the same bytes whatever browser they use.
// The Lorenz-96 kernel's floating point is wasm's own (IEEE-754, no host Math), so headless
// Chromium must give exactly the bytes Node gives, and both the TypeScript reference's.
import { readFile } from 'node:fs/promises';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { lorenz96ReferenceBytes } from '../../src/kernels/lorenz96/reference.js';
import { MAX_OUTPUT_BYTES } from '../../src/protocol/abi.js';
import { runKernel } from '../../src/runtime/kernel-host.js';
import { CHROMIUM_ARGS, chromiumPath } from './chromium.js';

const INPUTS = [
  { n: 40, forcingMilli: 8000, dtMicro: 10000, steps: 3000, every: 30, member: 1, perturbNano: 1000 },
  { n: 40, forcingMilli: 8000, dtMicro: 10000, steps: 3000, every: 30, member: 0, perturbNano: 1000 },
  { n: 36, forcingMilli: 10000, dtMicro: 5000, steps: 4000, every: 1000, member: 999, perturbNano: 1 },
  { n: 1024, forcingMilli: 8000, dtMicro: 10000, steps: 200, every: 1, member: 77, perturbNano: 1000000 },
  { n: 7, forcingMilli: 15000, dtMicro: 20000, steps: 5000, every: 5, member: 4294967295, perturbNano: 1000000000 },
].map((input) => JSON.stringify(input));

let browser: Browser;
let wasm: Buffer;
let scalarWasm: Buffer;

beforeAll(async () => {
  const script = new URL('../../scripts/build-kernels.mjs', import.meta.url).href;
  const { buildKernels } = (await import(script)) as { buildKernels: (o: object) => Promise<unknown> };
  await buildKernels({ log: () => {} });
  wasm = await readFile('dist/kernels/lorenz96.wasm');
  scalarWasm = await readFile('dist/kernels/lorenz96-scalar.wasm');
  browser = await chromium.launch({ executablePath: chromiumPath(), headless: true, args: CHROMIUM_ARGS });
});

afterAll(async () => {
  await browser?.close();
});

/** Runs the kernel in a Chromium worker through a bare sc1 host; returns each output as hex. */
async function runInChromium(inputs: string[], wasm: Buffer): Promise<string[]> {
  const page = await browser.newPage();
  try {
    return await page.evaluate(
      async ({ bytes, inputs }) => {
        const source = `onmessage = async (event) => {
          const { bytes, inputs } = event.data;
          const module = await WebAssembly.compile(new Uint8Array(bytes));
          const outputs = [];
          for (const text of inputs) {
            let memory;
            const imports = {
              sc: { progress() {}, checkpoint() {} },
              env: { abort() { throw new Error('kernel aborted on ' + text); } },
            };
            const { exports } = await WebAssembly.instantiate(module, imports);
            memory = exports.memory;
            const input = new TextEncoder().encode(text);
            const ptr = exports.alloc(input.length) >>> 0;
            new Uint8Array(memory.buffer, ptr, input.length).set(input);
            if (exports.run(ptr, input.length) !== 0) throw new Error('kernel failed on ' + text);
            const out = new Uint8Array(memory.buffer, exports.output_ptr() >>> 0, exports.output_len() >>> 0);
            outputs.push(Array.from(out, (b) => b.toString(16).padStart(2, '0')).join(''));
          }
          postMessage(outputs);
        };`;
        const worker = new Worker(URL.createObjectURL(new Blob([source], { type: 'text/javascript' })));
        return new Promise<string[]>((resolve, reject) => {
          worker.onmessage = (event) => resolve(event.data as string[]);
          worker.onerror = (event) => reject(new Error(event.message));
          worker.postMessage({ bytes, inputs });
        });
      },
      { bytes: Array.from(wasm), inputs },
    );
  } finally {
    await page.close();
  }
}

describe('lorenz96 across engines', () => {
  it('gives the same bytes in headless Chromium, in Node and in the TypeScript reference', async () => {
    const chromiumOutputs = await runInChromium(INPUTS, wasm);
    // The scalar build (the SIMD build's fallback) gives the same bytes in Chromium too.
    expect(await runInChromium(INPUTS, scalarWasm)).toEqual(chromiumOutputs);
    for (const [i, input] of INPUTS.entries()) {
      const outcome = await runKernel(
        await WebAssembly.compile(new Uint8Array(wasm)),
        new TextEncoder().encode(input),
        {
          maxOutputBytes: MAX_OUTPUT_BYTES,
        },
      );
      if (!outcome.ok) throw new Error(outcome.error.message);
      const node = Buffer.from(outcome.output).toString('hex');
      expect(node.length).toBeGreaterThan(100);
      expect(chromiumOutputs[i]).toBe(node);
      expect(Buffer.from(lorenz96ReferenceBytes(input)).toString('hex')).toBe(node);
    }
  });
});
