// The checkpointing demo kernel: agrees with its reference byte for byte, and a run stopped
// part-way resumes in a fresh instance from its checkpoint to the very same output.
import { readFile } from 'node:fs/promises';
import { beforeAll, describe, expect, it } from 'vitest';
import { collatzReference, collatzReferenceBytes, collatzSteps } from '../../src/kernels/collatz/reference.js';
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
  module = await WebAssembly.compile(await readFile('dist/kernels/collatz.wasm'));
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
        // What a crash or a reload does to a real run: it simply stops here.
        if (trace.checkpoints.length >= stopAfterCheckpoints) throw new Error('simulated crash');
      },
    },
  ).then((outcome) => ({ ...outcome, ...trace }));
}

describe('collatz kernel', () => {
  it('knows the classic answers', () => {
    expect(collatzSteps(27)).toBe(111);
    expect(collatzReference({ from: 1, to: 1_000_000 })).toEqual({ from: 1, to: 1_000_000, n: 837799, steps: 524 });
  });

  it.each([
    '{"from":1,"to":2}',
    '{"from":1,"to":1}',
    '{"from":5,"to":5}',
    '{"from":1,"to":100000}',
    '{"from":99990,"to":100010}',
    '{"to":3000,"from":1000}',
    '{"from":4294967000,"to":4294967296}',
    '{"from":1410123900,"to":1410124000}',
    '{"from":1,"to":70000,"every":1000}',
  ])('matches the reference on %s', async (input) => {
    const outcome = await run(input);
    if (!outcome.ok) throw new Error(outcome.error.message);
    expect(decoder.decode(outcome.output)).toBe(decoder.decode(collatzReferenceBytes(input)));
  });

  it.each(['{"from":0,"to":5}', '{"from":6,"to":5}', '{"from":1,"to":4294967297}', '{"from":1,"to":5,"every":0}'])(
    'refuses %s as the reference does',
    async (input) => {
      const outcome = await run(input);
      expect(outcome.ok).toBe(false);
      expect(() => collatzReferenceBytes(input)).toThrow(/collatz: input must be/);
    },
  );

  it('reports progress often and checkpoints at the requested cadence', async () => {
    const outcome = await run('{"from":1,"to":1000000,"every":100000}');
    expect(outcome.ok).toBe(true);
    expect(outcome.progress.length).toBeGreaterThanOrEqual(30);
    expect(outcome.checkpoints.length).toBeGreaterThanOrEqual(9);
    expect(outcome.checkpoints.length).toBeLessThanOrEqual(11);
  });

  it('resumes in a fresh instance from a checkpoint and ends with the same output', async () => {
    const input = '{"from":1,"to":1000000,"every":100000}';
    const crashed = await run(input, undefined, 4);
    expect(crashed.ok).toBe(false);
    const reached = crashed.progress.at(-1)!;
    expect(reached).toBeGreaterThan(0.3);
    const resumed = await run(input, crashed.checkpoints.at(-1));
    if (!resumed.ok) throw new Error(resumed.error.message);
    // It went on from where the checkpoint was, not from the start.
    expect(resumed.progress[0]).toBeGreaterThanOrEqual(reached - 0.05);
    expect(decoder.decode(resumed.output)).toBe('{"from":1,"to":1000000,"n":837799,"steps":524}');
  });

  it('ignores a checkpoint of another range (starts over, still right)', async () => {
    const other = await run('{"from":1,"to":300000,"every":100000}', undefined, 1);
    const input = '{"from":1,"to":200000}';
    const outcome = await run(input, other.checkpoints[0]);
    if (!outcome.ok) throw new Error(outcome.error.message);
    expect(outcome.progress[0]).toBeLessThan(0.3);
    expect(decoder.decode(outcome.output)).toBe(decoder.decode(collatzReferenceBytes(input)));
  });
});
