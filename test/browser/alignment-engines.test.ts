// The alignment kernel's SIMD build and its scalar build (its sc.fallback) give the same bytes in
// a headless Chromium worker as in Node and as the TypeScript reference, on reads and random
// sequences: whichever build a volunteer's engine runs, replicas agree.
import { readFile } from 'node:fs/promises';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { alignmentReferenceBytes } from '../../src/kernels/alignment/reference.js';
import { MAX_OUTPUT_BYTES } from '../../src/protocol/abi.js';
import { runKernel } from '../../src/runtime/kernel-host.js';
import { referenceGenome, seededRandom, sequencingReads } from '../../src/server/demo-genome.js';
import { timeKernel } from '../bench/browser/kernel-timer.js';
import { CHROMIUM_ARGS, chromiumPath } from './chromium.js';

let browser: Browser;
let simd: Buffer;
let scalar: Buffer;

beforeAll(async () => {
  const script = new URL('../../scripts/build-kernels.mjs', import.meta.url).href;
  const { buildKernels } = (await import(script)) as { buildKernels: (o: object) => Promise<unknown> };
  await buildKernels({ log: () => {} });
  simd = await readFile('dist/kernels/alignment.wasm');
  scalar = await readFile('dist/kernels/alignment-scalar.wasm');
  browser = await chromium.launch({ executablePath: chromiumPath(), headless: true, args: CHROMIUM_ARGS });
});

afterAll(async () => {
  await browser?.close();
});

function inputs(): string[] {
  const next = seededRandom(42);
  const reference = referenceGenome(1500, 9);
  const reads = sequencingReads(reference, 20, 150, 10).map((r) => r.sequence);
  const random = (n: number) => Array.from({ length: n }, () => 'ACGT'[Math.floor(next() * 4)]).join('');
  return [
    JSON.stringify({ query: reference, targets: reads }),
    JSON.stringify({ query: random(77), targets: [random(300), random(1), '', random(77)] }),
    JSON.stringify({ query: 'acgt', targets: ['ACGT', 'TTTT'] }),
    JSON.stringify({ query: '', targets: ['ACGT'] }),
  ];
}

describe('alignment across engines and builds', () => {
  it('gives the same bytes in Chromium (SIMD and scalar), in Node and in the reference', async () => {
    const page = await browser.newPage();
    try {
      const node = await WebAssembly.compile(new Uint8Array(simd));
      for (const input of inputs()) {
        const expected = new TextDecoder().decode(alignmentReferenceBytes(input));
        const fast = await timeKernel(page, new Uint8Array(simd), input, 1);
        const slow = await timeKernel(page, new Uint8Array(scalar), input, 1);
        expect(fast.output).toBe(expected);
        expect(slow.output).toBe(expected);
        const outcome = await runKernel(node, new TextEncoder().encode(input), { maxOutputBytes: MAX_OUTPUT_BYTES });
        if (!outcome.ok) throw new Error(outcome.error.message);
        expect(new TextDecoder().decode(outcome.output)).toBe(expected);
      }
    } finally {
      await page.close();
    }
  });
});
