// The Lorenz-96 kernel gives the very bytes of its TypeScript reference on many inputs (a
// quorum of honest volunteers must agree byte for byte), refuses bad inputs as the reference
// does, and a run stopped part-way resumes from its checkpoint to the same output.
import { readFile } from 'node:fs/promises';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  formatSci,
  lorenz96Reference,
  lorenz96ReferenceBytes,
  unitNoise,
} from '../../src/kernels/lorenz96/reference.js';
import { MAX_OUTPUT_BYTES } from '../../src/protocol/abi.js';
import type { KernelOutcome } from '../../src/protocol/worker.js';
import { runKernel } from '../../src/runtime/kernel-host.js';

const encoder = new TextEncoder();
const decoder = new TextDecoder();
let module: WebAssembly.Module;

beforeAll(async () => {
  const script = new URL('../../scripts/build-kernels.mjs', import.meta.url).href;
  const { buildKernels } = (await import(script)) as { buildKernels: (o: object) => Promise<unknown> };
  await buildKernels({ log: () => {} });
  module = await WebAssembly.compile(await readFile('dist/kernels/lorenz96.wasm'));
});

interface Trace {
  progress: number[];
  checkpoints: Uint8Array[];
}

function run(input: string, resumeState?: Uint8Array, stopAfterCheckpoints = Infinity): Promise<KernelOutcome & Trace> {
  const trace: Trace = { progress: [], checkpoints: [] };
  return runKernel(
    module,
    encoder.encode(input),
    { maxOutputBytes: MAX_OUTPUT_BYTES, resumeState },
    {
      progress: (f) => trace.progress.push(f),
      checkpoint: (state) => {
        trace.checkpoints.push(state);
        if (trace.checkpoints.length >= stopAfterCheckpoints) throw new Error('simulated crash');
      },
    },
  ).then((outcome) => ({ ...outcome, ...trace }));
}

async function expectReferenceBytes(input: string): Promise<string> {
  const outcome = await run(input);
  if (!outcome.ok) throw new Error(`lorenz96 failed on ${input}: ${outcome.error.message}`);
  const text = decoder.decode(outcome.output);
  expect(text).toBe(decoder.decode(lorenz96ReferenceBytes(input)));
  return text;
}

const base = { n: 40, forcingMilli: 8000, dtMicro: 10000, steps: 500, every: 10, member: 1, perturbNano: 1000 };

/** A small deterministic generator for the random inputs (mulberry32). */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe('lorenz96 kernel', () => {
  it('formats numbers as valid JSON that reads back within 12 digits', () => {
    for (const v of [8, -8, 0.01, 1e-300, 123456789012345, -0.5, 9.9999999999999, 1 / 3, 5e-324, 1.7e308]) {
      const text = formatSci(v);
      const back = JSON.parse(text) as number;
      expect(Math.abs(back - v)).toBeLessThanOrEqual(Math.abs(v) * 1e-11);
    }
    expect(formatSci(0)).toBe('0');
    expect(formatSci(8)).toBe('8');
    expect(formatSci(-0.25)).toBe('-2.5e-1');
    expect(formatSci(9.9999999999999)).toBe('1e1');
  });

  it('draws perturbations in [-1, 1) that differ by member', () => {
    const draws = Array.from({ length: 1000 }, (_, i) => unitNoise(1 + (i % 7), i));
    expect(draws.every((d) => d >= -1 && d < 1)).toBe(true);
    expect(Math.abs(draws.reduce((a, b) => a + b, 0) / draws.length)).toBeLessThan(0.1);
    expect(unitNoise(1, 0)).not.toBe(unitNoise(2, 0));
  });

  it.each([
    base,
    { ...base, member: 0 },
    { ...base, n: 4, steps: 1, every: 1 },
    { ...base, n: 5, perturbNano: 0 },
    { ...base, n: 1024, steps: 40, every: 40 },
    { ...base, forcingMilli: 0, steps: 200 },
    { ...base, forcingMilli: 100000, dtMicro: 1000, steps: 300 },
    { ...base, member: 4294967295, perturbNano: 1000000000 },
    { ...base, steps: 4096, every: 1, n: 8 },
    { ...base, steps: 2000, every: 7, checkpointEvery: 300 },
  ])('matches the reference on %o', async (input) => {
    await expectReferenceBytes(JSON.stringify(input));
  });

  it('matches the reference on 40 random inputs', async () => {
    const next = random(96);
    for (let k = 0; k < 40; k++) {
      const steps = 1 + Math.floor(next() * 600);
      const input = {
        n: 4 + Math.floor(next() * 60),
        forcingMilli: Math.floor(next() * 12000),
        dtMicro: 100 + Math.floor(next() * 9900),
        steps,
        every: 1 + Math.floor(next() * steps),
        member: Math.floor(next() * 2000),
        perturbNano: Math.floor(next() * 1e7),
      };
      await expectReferenceBytes(JSON.stringify(input));
    }
  });

  it('shows chaos: a billionth-sized perturbation grows by orders of magnitude', async () => {
    const input = { ...base, steps: 2000, every: 100, perturbNano: 1 };
    const out = JSON.parse(await expectReferenceBytes(JSON.stringify(input))) as {
      distance: number[];
      energy: number[];
    };
    expect(out.distance[0]).toBeLessThan(1e-8);
    expect(out.distance.at(-1)).toBeGreaterThan(1);
    expect(out.distance).toHaveLength(21);
    expect(lorenz96Reference({ ...input, member: 0 }).distance.every((d) => d === 0)).toBe(true);
  });

  it.each([
    '{"n":3,"forcingMilli":8000,"dtMicro":10000,"steps":10,"every":1,"member":1,"perturbNano":1}',
    '{"n":40,"forcingMilli":8000,"dtMicro":0,"steps":10,"every":1,"member":1,"perturbNano":1}',
    '{"n":40,"forcingMilli":8000,"dtMicro":10000,"steps":10,"every":11,"member":1,"perturbNano":1}',
    '{"n":40,"forcingMilli":8000,"dtMicro":10000,"steps":10000,"every":1,"member":1,"perturbNano":1}',
    '{"n":40,"forcingMilli":8000,"dtMicro":10000,"steps":10,"every":1,"member":1}',
    '{"n":40,"forcingMilli":8000,"dtMicro":10000,"steps":10,"every":1,"member":1,"perturbNano":1,"checkpointEvery":0}',
    '{"n":40,"forcingMilli":8000,"dtMicro":10000,"steps":10,"every":1,"member":1,"perturbNano":-1}',
    '{"n":40,"forcingMilli":8000.5,"dtMicro":10000,"steps":10,"every":1,"member":1,"perturbNano":1}',
  ])('refuses %s as the reference does', async (input) => {
    const outcome = await run(input);
    expect(outcome.ok).toBe(false);
    if (!outcome.ok) expect(outcome.error.message).toMatch(/lorenz96: input must be/);
    expect(() => lorenz96ReferenceBytes(input)).toThrow(/lorenz96: input must be/);
  });

  it('stops with an error naming the step where a too-large time step diverges', async () => {
    const input = JSON.stringify({ ...base, forcingMilli: 100000, dtMicro: 100000, steps: 1000, every: 1 });
    const outcome = await run(input);
    expect(outcome.ok).toBe(false);
    if (!outcome.ok) expect(outcome.error.message).toMatch(/diverged at step \d+; use a smaller dtMicro/);
    expect(() => lorenz96ReferenceBytes(input)).toThrow(/diverged at step \d+/);
  });

  it('checkpoints a long run and resumes from the checkpoint to the same bytes', async () => {
    const input = JSON.stringify({ ...base, steps: 3000, every: 50, checkpointEvery: 500 });
    const full = await run(input);
    if (!full.ok) throw new Error(full.error.message);
    expect(full.checkpoints).toHaveLength(5);
    expect(full.progress.length).toBeGreaterThanOrEqual(32);
    const crashed = await run(input, undefined, 3);
    expect(crashed.ok).toBe(false);
    const resumed = await run(input, crashed.checkpoints.at(-1));
    if (!resumed.ok) throw new Error(resumed.error.message);
    expect(resumed.checkpoints).toHaveLength(2); // only the ones after step 1500
    expect(decoder.decode(resumed.output)).toBe(decoder.decode(full.output));
  });

  it('ignores a checkpoint of another input and starts over', async () => {
    const input = JSON.stringify({ ...base, steps: 3000, every: 50, checkpointEvery: 500 });
    const other = await run(
      JSON.stringify({ ...base, member: 2, steps: 3000, every: 50, checkpointEvery: 500 }),
      undefined,
      2,
    );
    const outcome = await run(input, other.checkpoints.at(-1));
    if (!outcome.ok) throw new Error(outcome.error.message);
    expect(outcome.checkpoints).toHaveLength(5);
    expect(decoder.decode(outcome.output)).toBe(decoder.decode(lorenz96ReferenceBytes(input)));
  });
});
