// The watchdog's memory limit and the in-unit CPU throttle, on the kernel host and worker API
// (the pool's termination by time budget is covered by the integration suites).
import { readFile } from 'node:fs/promises';
import { beforeAll, describe, expect, it } from 'vitest';
import { MAX_OUTPUT_BYTES } from '../../src/protocol/abi.js';
import type { KernelCallbacks, KernelJob, KernelOutcome } from '../../src/protocol/worker.js';
import { CONTROL_CPU, CONTROL_SLOTS } from '../../src/protocol/worker.js';
import { runKernel } from '../../src/runtime/kernel-host.js';
import { createKernelWorkerApi } from '../../src/runtime/kernel-worker-api.js';
import type { KernelWorker } from '../../src/runtime/ports.js';
import { WorkerPool } from '../../src/runtime/worker-pool.js';

const MiB = 1024 * 1024;
let hog: Uint8Array<ArrayBuffer>;
let collatz: Uint8Array<ArrayBuffer>;

beforeAll(async () => {
  const script = new URL('../../scripts/build-kernels.mjs', import.meta.url).href;
  const { buildKernels } = (await import(script)) as { buildKernels: (o: object) => Promise<unknown> };
  await buildKernels({ log: () => {} });
  hog = new Uint8Array(await readFile('dist/test-kernels/memory-hog.wasm'));
  collatz = new Uint8Array(await readFile('dist/kernels/collatz.wasm'));
});

describe('memory watchdog', () => {
  it('stops a kernel that grows past maxMemoryBytes, while it reports progress', async () => {
    const progress: number[] = [];
    const outcome = await runKernel(
      await WebAssembly.compile(hog),
      new Uint8Array(),
      { maxOutputBytes: MAX_OUTPUT_BYTES, maxMemoryBytes: 64 * MiB },
      { progress: (f) => progress.push(f) },
    );
    expect(outcome).toMatchObject({ ok: false, error: { kind: 'memory' } });
    if (!outcome.ok) expect(outcome.error.message).toMatch(/over the limit of 64 MiB/);
    expect(progress.length).toBeGreaterThan(0);
    expect(progress.length).toBeLessThan(8);
  });

  it('leaves a kernel within the limit alone', async () => {
    const outcome = await runKernel(await WebAssembly.compile(collatz), new TextEncoder().encode('{"from":1,"to":9}'), {
      maxOutputBytes: MAX_OUTPUT_BYTES,
      maxMemoryBytes: MiB,
    });
    expect(outcome.ok).toBe(true);
  });

  it('makes the pool replace the thread of a kernel that ran out of memory', async () => {
    const terminated: number[] = [];
    let created = 0;
    const pool = new WorkerPool({
      create: (): KernelWorker => {
        const id = created++;
        const api = createKernelWorkerApi();
        return {
          run: (job, callbacks) => {
            api.connect(callbacks);
            return api.run(job);
          },
          terminate: () => terminated.push(id),
          onCrash() {},
        };
      },
    });
    const job: KernelJob = {
      kernelHash: 'hog',
      kernel: hog,
      input: new Uint8Array(),
      maxOutputBytes: MAX_OUTPUT_BYTES,
      maxMemoryBytes: 32 * MiB,
    };
    const callbacks: KernelCallbacks = { progress() {}, checkpoint() {} };
    const first = await pool.run(job, { timeoutMs: 10_000 }, callbacks);
    expect(first).toMatchObject({ ok: false, error: { kind: 'memory' } });
    expect(terminated).toEqual([0]);
    await pool.run(job, { timeoutMs: 10_000 }, callbacks);
    expect(created).toBe(2);
  });
});

describe('in-unit CPU throttle', () => {
  const job = (input: string): KernelJob => ({
    kernelHash: 'collatz',
    kernel: collatz,
    input: new TextEncoder().encode(input),
    maxOutputBytes: MAX_OUTPUT_BYTES,
  });
  const timed = async (run: () => Promise<KernelOutcome>) => {
    const started = performance.now();
    const outcome = await run();
    return { outcome, wallMs: performance.now() - started };
  };
  // Over a second of work (the threshold these tests set): shorter units are throttled by gaps between units.
  const input = '{"from":100000000,"to":106000000}';

  it('blocks between progress reports so the thread is busy about p % of the time', async () => {
    const full = createKernelWorkerApi({ longUnitMs: 1000 });
    await full.run(job(input)); // warm: compiling is not part of the comparison
    const fast = await timed(() => full.run(job(input)));
    expect(fast.outcome.restedMs).toBeUndefined();

    const half = createKernelWorkerApi({ longUnitMs: 1000 });
    await half.run(job('{"from":1,"to":2}'));
    half.setCpuPercent(50);
    const slow = await timed(() => half.run(job(input)));
    expect(slow.outcome.ok).toBe(true);
    const rested = slow.outcome.restedMs ?? 0;
    const busy = slow.wallMs - rested;
    // Rest ≈ busy at 50 %; generous bounds for a shared CI machine.
    expect(rested).toBeGreaterThan(busy * 0.6);
    expect(rested).toBeLessThan(busy * 1.6);
  });

  it('leaves a short unit alone (gaps between units throttle it)', async () => {
    const api = createKernelWorkerApi();
    api.setCpuPercent(20);
    const outcome = await api.run(job('{"from":1,"to":100000}'));
    expect(outcome.ok).toBe(true);
    expect(outcome.restedMs).toBeUndefined();
  });

  it('reads the CPU share from the shared control slot, which the host can change mid-unit', async () => {
    const api = createKernelWorkerApi({ longUnitMs: 1000 });
    const control = new Int32Array(new SharedArrayBuffer(4 * CONTROL_SLOTS));
    api.connect({ progress() {}, checkpoint() {} }, control);
    api.setCpuPercent(100); // the shared slot, when set, wins over this
    Atomics.store(control, CONTROL_CPU, 50);
    const throttled = await api.run(job(input));
    expect(throttled.ok).toBe(true);
    expect(throttled.restedMs ?? 0).toBeGreaterThan(300);
    Atomics.store(control, CONTROL_CPU, 100);
    const full = await api.run(job(input));
    expect(full.restedMs).toBeUndefined();
  });
});
