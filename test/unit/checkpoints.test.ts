// Checkpoints through the runtime: stored while a unit runs (throttled), handed back as
// resumeState when the unit starts again (after a pause or in a fresh runtime, as after a
// reload), and dropped once the unit's result is stored.
import { readFileSync } from 'node:fs';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import type { Lease } from '../../src/protocol/api.js';
import { MAX_OUTPUT_BYTES } from '../../src/protocol/abi.js';
import { bytesToBase64 } from '../../src/protocol/encoding.js';
import { CONTROL_SLOTS, CONTROL_STOP, type KernelJob } from '../../src/protocol/worker.js';
import { CheckpointWriter } from '../../src/runtime/checkpoint-writer.js';
import { runKernel } from '../../src/runtime/kernel-host.js';
import { sha256Hex } from '../../src/runtime/kernel-cache.js';
import { createKernelWorkerApi } from '../../src/runtime/kernel-worker-api.js';
import type { KernelWorker, WorkerFactory } from '../../src/runtime/ports.js';
import { VolunteerRuntime, type RuntimeOptions } from '../../src/runtime/volunteer-runtime.js';
import { FakeTransport } from '../helpers/fake-transport.js';
import { MemoryStore } from '../helpers/memory-store.js';

const INPUT = '{"from":1,"to":3000000,"every":100000}';
let collatz: Uint8Array;
let hash: string;
let expected: string;

beforeAll(async () => {
  const script = new URL('../../scripts/build-kernels.mjs', import.meta.url).href;
  const { buildKernels } = (await import(script)) as { buildKernels: (o: object) => Promise<unknown> };
  await buildKernels({ log: () => {} });
  collatz = new Uint8Array(readFileSync('dist/kernels/collatz.wasm'));
  hash = await sha256Hex(collatz);
  const outcome = await runKernel(
    await WebAssembly.compile(collatz as Uint8Array<ArrayBuffer>),
    new TextEncoder().encode(INPUT),
    {
      maxOutputBytes: MAX_OUTPUT_BYTES,
    },
  );
  if (!outcome.ok) throw new Error(outcome.error.message);
  expected = new TextDecoder().decode(outcome.output);
});

/** Inline workers (on the test's thread) with a real stop slot, recording every job they get.
 * Every checkpoint and progress report is forwarded (a real worker forwards one per
 * CHECKPOINT_FORWARD_MS and PROGRESS_INTERVAL_MS, none for a short run): these units last about
 * a second, a resumed one less, and the runtime's own handling is what is tested here. */
class RecordingWorkers implements WorkerFactory {
  readonly jobs: KernelJob[] = [];
  create(): KernelWorker {
    const api = createKernelWorkerApi({ checkpointForwardMs: 0, progressIntervalMs: 0 });
    const control = new Int32Array(new SharedArrayBuffer(4 * CONTROL_SLOTS));
    return {
      run: (job, callbacks) => {
        this.jobs.push(job);
        api.connect(callbacks, control);
        return api.run(job);
      },
      terminate: () => Atomics.store(control, CONTROL_STOP, 1),
      onCrash() {},
    };
  }
}

function lease(id = 'l1'): Lease {
  return {
    lease: id,
    unit: 'u1',
    project: 'p',
    batch: 'b',
    kernel: hash,
    abi: 'sc1',
    input: bytesToBase64(new TextEncoder().encode(INPUT)),
    deadline: Date.now() + 600_000,
    maxRunSeconds: 60,
  };
}

function setup(options: Partial<RuntimeOptions> = {}, leases = [lease()]) {
  const transport = new FakeTransport(leases, new Map([[hash, collatz]]));
  const store = new MemoryStore();
  const workers = new RecordingWorkers();
  const runtime = new VolunteerRuntime({ transport, store, workers, threads: 1, exitWhenIdle: true, ...options });
  const progress: number[] = [];
  runtime.on((event) => {
    if (event.type === 'unit-progress') progress.push(event.fraction);
  });
  return { transport, store, workers, runtime, progress };
}

const output = (transport: FakeTransport) => new TextDecoder().decode(transport.submitted[0]?.output);

describe('checkpoints in the runtime', () => {
  it('stores checkpoints while a unit runs and drops them when it finishes', async () => {
    const { transport, store, runtime } = setup({ checkpointIntervalMs: 0 });
    await runtime.start();
    await runtime.done;
    expect(store.checkpointWrites.length).toBeGreaterThanOrEqual(2);
    expect(store.checkpointWrites.every((w) => w.lease === 'l1')).toBe(true);
    expect(store.checkpoints.size).toBe(0);
    expect(output(transport)).toBe(expected);
  });

  it('writes at most one checkpoint per interval', async () => {
    const { store, runtime } = setup({ checkpointIntervalMs: 60_000 });
    await runtime.start();
    await runtime.done;
    // About 30 checkpoints offered in a second or so; one interval of a minute lets one through.
    expect(store.checkpointWrites.length).toBe(1);
  });

  it('after a pause, restarts the unit from its last checkpoint', async () => {
    const { transport, store, workers, runtime, progress } = setup({ checkpointIntervalMs: 0 });
    let paused: Promise<void> | undefined;
    runtime.on((event) => {
      if (event.type === 'unit-progress' && event.fraction >= 0.4) paused ??= runtime.stop();
    });
    await runtime.start();
    await vi.waitUntil(() => paused !== undefined, { timeout: 20_000 });
    await paused;
    const saved = store.checkpoints.get('l1');
    expect(saved).toBeDefined();
    expect(store.units.has('l1')).toBe(true);
    const before = progress.length;

    await runtime.start();
    await runtime.done;
    expect(workers.jobs).toHaveLength(2);
    expect(workers.jobs[0]!.resumeState).toBeUndefined();
    expect(workers.jobs[1]!.resumeState).toEqual(saved);
    expect(progress[before]).toBeGreaterThanOrEqual(0.3);
    expect(output(transport)).toBe(expected);
    expect(store.checkpoints.size).toBe(0);
  });

  it('a fresh runtime (a reload) resumes a buffered unit from its stored checkpoint', async () => {
    // The state a previous page saved before it was closed part-way.
    const states: Uint8Array[] = [];
    const fractions: number[] = [];
    await runKernel(
      await WebAssembly.compile(collatz as Uint8Array<ArrayBuffer>),
      new TextEncoder().encode(INPUT),
      { maxOutputBytes: MAX_OUTPUT_BYTES },
      {
        progress: (f) => fractions.push(f),
        checkpoint: (state) => {
          states.push(state);
          if (states.length === 15) throw new Error('tab closed');
        },
      },
    );
    const { transport, store, workers, runtime, progress } = setup({}, []);
    await store.putUnits([lease()]);
    await store.putCheckpoint('l1', states.at(-1)!);
    await runtime.start();
    await runtime.done;
    expect(workers.jobs[0]!.resumeState).toEqual(states.at(-1));
    expect(progress[0]).toBeGreaterThanOrEqual(fractions.at(-1)! - 0.02);
    expect(output(transport)).toBe(expected);
    expect(store.checkpoints.size).toBe(0);
  });
});

describe('checkpoints crossing threads', () => {
  it('forwards at most one checkpoint per interval, the latest state', async () => {
    const api = createKernelWorkerApi({ checkpointForwardMs: 200 });
    const forwarded: { state: Uint8Array; at: number }[] = [];
    api.connect({ progress() {}, checkpoint: (state) => forwarded.push({ state, at: performance.now() }) });
    const started = performance.now();
    const outcome = await api.run({
      kernelHash: hash,
      kernel: collatz,
      input: new TextEncoder().encode(INPUT),
      maxOutputBytes: MAX_OUTPUT_BYTES,
    });
    const elapsed = performance.now() - started;
    expect(outcome.ok).toBe(true);
    expect(forwarded.length).toBeGreaterThanOrEqual(1);
    expect(forwarded.length).toBeLessThanOrEqual(Math.ceil(elapsed / 200));
    for (let i = 1; i < forwarded.length; i++)
      expect(forwarded[i]!.at - forwarded[i - 1]!.at).toBeGreaterThanOrEqual(190);
  });
});

describe('CheckpointWriter', () => {
  afterEach(() => vi.useRealTimers());

  it('writes at most once per interval, always the latest state, and nothing after discard', async () => {
    vi.useFakeTimers();
    const store = new MemoryStore();
    const writer = new CheckpointWriter(store, 'l', { intervalMs: 2000, now: () => Date.now(), onError() {} });
    const state = (n: number) => new Uint8Array([n]);
    writer.offer(state(1)); // written at once
    await vi.advanceTimersByTimeAsync(0);
    for (let n = 2; n <= 5; n++) writer.offer(state(n)); // within the interval: only 5 survives
    await vi.advanceTimersByTimeAsync(1999);
    expect(store.checkpointWrites.map((w) => w.state[0])).toEqual([1]);
    await vi.advanceTimersByTimeAsync(1);
    expect(store.checkpointWrites.map((w) => w.state[0])).toEqual([1, 5]);
    writer.offer(state(6));
    await writer.discard();
    await vi.advanceTimersByTimeAsync(5000);
    expect(store.checkpointWrites.map((w) => w.state[0])).toEqual([1, 5]);
  });

  it('flush writes the pending state at once (a pause keeps the latest progress)', async () => {
    const store = new MemoryStore();
    const writer = new CheckpointWriter(store, 'l', { intervalMs: 60_000, now: () => Date.now(), onError() {} });
    writer.offer(new Uint8Array([1]));
    writer.offer(new Uint8Array([2]));
    await writer.flush();
    expect(store.checkpointWrites.map((w) => w.state[0])).toEqual([1, 2]);
    expect(store.checkpoints.get('l')).toEqual(new Uint8Array([2]));
  });
});
