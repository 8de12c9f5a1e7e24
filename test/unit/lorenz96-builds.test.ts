// Lorenz-96 is built twice, like the alignment kernel: with f64x2 SIMD in its inner loops
// (lorenz96.wasm) and without (lorenz96-scalar.wasm, also its sc.fallback). f64x2 rounds each
// lane as scalar f64 does, so both builds must give the reference's very bytes.
import { readFile } from 'node:fs/promises';
import { beforeAll, describe, expect, it } from 'vitest';
import { lorenz96ReferenceBytes } from '../../src/kernels/lorenz96/reference.js';
import { MAX_OUTPUT_BYTES } from '../../src/protocol/abi.js';
import { kernelFallback } from '../../src/protocol/kernel-fallback.js';
import { runKernel } from '../../src/runtime/kernel-host.js';

let simd: WebAssembly.Module;
let scalar: WebAssembly.Module;
let simdBytes: Uint8Array;
let scalarBytes: Uint8Array;

beforeAll(async () => {
  const script = new URL('../../scripts/build-kernels.mjs', import.meta.url).href;
  const { buildKernels } = (await import(script)) as { buildKernels: (o: object) => Promise<unknown> };
  await buildKernels({ log: () => {} });
  simdBytes = new Uint8Array(await readFile('dist/kernels/lorenz96.wasm'));
  scalarBytes = new Uint8Array(await readFile('dist/kernels/lorenz96-scalar.wasm'));
  simd = await WebAssembly.compile(simdBytes as Uint8Array<ArrayBuffer>);
  scalar = await WebAssembly.compile(scalarBytes as Uint8Array<ArrayBuffer>);
});

async function output(module: WebAssembly.Module, input: string): Promise<string> {
  const outcome = await runKernel(module, new TextEncoder().encode(input), { maxOutputBytes: MAX_OUTPUT_BYTES });
  if (!outcome.ok) throw new Error(outcome.error.message);
  return new TextDecoder().decode(outcome.output);
}

describe('lorenz96 SIMD and scalar builds', () => {
  it('carries the scalar build as its fallback', () => {
    expect(kernelFallback(simdBytes)).toEqual(scalarBytes);
  });

  it('give the same bytes as the reference for every ring size 4..41 and a long run', async () => {
    const base = { forcingMilli: 8000, dtMicro: 10000, steps: 300, every: 10, member: 3, perturbNano: 1000 };
    const inputs = Array.from({ length: 38 }, (_, i) => JSON.stringify({ ...base, n: 4 + i }));
    inputs.push(JSON.stringify({ ...base, n: 40, steps: 5000, every: 50 }));
    inputs.push(JSON.stringify({ ...base, n: 1023, steps: 50, every: 5, member: 0 }));
    for (const input of inputs) {
      const reference = new TextDecoder().decode(lorenz96ReferenceBytes(input));
      expect(await output(simd, input), input).toBe(reference);
      expect(await output(scalar, input), input).toBe(reference);
    }
  });
});
