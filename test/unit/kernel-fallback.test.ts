// A kernel's `sc.fallback` build is what a worker runs when the engine cannot run the kernel
// itself (a SIMD kernel without SIMD): the choice is made per engine, and it is real. Here the
// two builds differ on purpose (echo vs a kernel that fails) so the outcome shows which ran.
import { readFile } from 'node:fs/promises';
import { beforeAll, describe, expect, it } from 'vitest';
import { MAX_OUTPUT_BYTES } from '../../src/protocol/abi.js';
import { FALLBACK_SECTION, customSection, kernelFallback } from '../../src/protocol/kernel-fallback.js';
import { createKernelWorkerApi } from '../../src/runtime/kernel-worker-api.js';
import { ApiError } from '../../src/server/api-error.js';
import { admitKernel } from '../../src/server/kernel-check.js';
import { withCustomSection } from '../helpers/custom-section.js';

let echo: Uint8Array;
let status: Uint8Array;
let badImport: Uint8Array;

beforeAll(async () => {
  const script = new URL('../../scripts/build-kernels.mjs', import.meta.url).href;
  const { buildKernels } = (await import(script)) as { buildKernels: (o: object) => Promise<unknown> };
  await buildKernels({ log: () => {} });
  echo = new Uint8Array(await readFile('dist/test-kernels/echo.wasm'));
  status = new Uint8Array(await readFile('dist/test-kernels/status.wasm'));
  badImport = new Uint8Array(await readFile('dist/test-kernels/bad-import.wasm'));
});

const input = new TextEncoder().encode('{"hello":1}');

async function runWith(kernel: Uint8Array, preferFallback: boolean) {
  const api = createKernelWorkerApi({ preferFallback });
  return api.run({ kernelHash: 'h', kernel, input, maxOutputBytes: MAX_OUTPUT_BYTES });
}

describe('kernel fallback', () => {
  it('reads the section back, and nothing from modules without one or from non-modules', () => {
    const both = withCustomSection(echo, FALLBACK_SECTION, status);
    expect(kernelFallback(both)).toEqual(status);
    expect(customSection(both, 'other')).toBeUndefined();
    expect(kernelFallback(echo)).toBeUndefined();
    expect(kernelFallback(new TextEncoder().encode('not wasm at all'))).toBeUndefined();
    expect(kernelFallback(both.subarray(0, both.length - 3))).toBeUndefined();
  });

  it('runs the kernel itself where it validates, its fallback when asked', async () => {
    const kernel = withCustomSection(echo, FALLBACK_SECTION, status);
    const main = await runWith(kernel, false);
    expect(main.ok).toBe(true);
    const fallback = await runWith(kernel, true);
    expect(fallback.ok).toBe(false);
    if (!fallback.ok) expect(fallback.error.message).toBe('kernel returned status 3');
  });

  it('runs the fallback when this engine cannot validate the kernel (as a SIMD kernel without SIMD)', async () => {
    // A module whose code this engine refuses: header, then a type section of nonsense.
    const unrunnable = withCustomSection(
      new Uint8Array([0, 97, 115, 109, 1, 0, 0, 0, 1, 2, 1, 0x42]),
      FALLBACK_SECTION,
      echo,
    );
    expect(WebAssembly.validate(unrunnable as Uint8Array<ArrayBuffer>)).toBe(false);
    const outcome = await runWith(unrunnable, false);
    expect(outcome.ok).toBe(true);
    if (outcome.ok) expect(new TextDecoder().decode(outcome.output)).toBe('{"hello":1}');
  });

  it('is admitted by the server only if the fallback is a sound kernel of the same ABI', () => {
    expect(admitKernel(withCustomSection(echo, FALLBACK_SECTION, status)).abi).toBe('sc1');
    const refusal = (bytes: Uint8Array) => {
      try {
        admitKernel(bytes);
      } catch (err) {
        if (err instanceof ApiError) return `${err.code}: ${err.message}`;
        throw err;
      }
      return 'admitted';
    };
    expect(refusal(withCustomSection(echo, FALLBACK_SECTION, new Uint8Array([1, 2, 3])))).toMatch(
      /SC_KERNEL_INVALID.*sc\.fallback section is not a valid WebAssembly module/,
    );
    expect(refusal(withCustomSection(echo, FALLBACK_SECTION, badImport))).toMatch(
      /SC_KERNEL_INVALID.*sc\.fallback section's module.*env\.now/,
    );
  });
});
