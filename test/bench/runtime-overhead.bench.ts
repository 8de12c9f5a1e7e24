// The volunteer runtime's throughput over a bare WebAssembly loop on the same kernel and the
// same units, one thread each, measured side by side (alternating rounds, median ratio).
import { readFileSync } from 'node:fs';
import { it } from 'vitest';
import type { Lease } from '../../src/protocol/api.js';
import { bytesToBase64, jsonToBytes } from '../../src/protocol/encoding.js';
import { runKernel } from '../../src/runtime/kernel-host.js';
import { sha256Hex } from '../../src/runtime/kernel-cache.js';
import { VolunteerRuntime } from '../../src/runtime/volunteer-runtime.js';
// Worker threads need compiled JS: the thread factory comes from the build (npm run bench builds first).
import { ThreadFactory } from '../../dist/node/runtime/node/thread-factory.js';
import { FakeTransport } from '../helpers/fake-transport.js';
import { MemoryStore } from '../helpers/memory-store.js';
import { report, round } from './report.js';

const kernel = new Uint8Array(readFileSync('dist/kernels/primes.wasm'));
const module = new WebAssembly.Module(kernel);
const ROUNDS = 3;

function inputsFor(span: number, count: number): Uint8Array[] {
  return Array.from({ length: count }, (_, i) => jsonToBytes({ from: i * span, to: (i + 1) * span }));
}

async function bare(inputs: Uint8Array[]): Promise<number> {
  const start = performance.now();
  for (const input of inputs) {
    const outcome = await runKernel(module, input, { maxOutputBytes: 1 << 20 });
    if (!outcome.ok) throw new Error(outcome.error.message);
  }
  return inputs.length / ((performance.now() - start) / 1000);
}

async function viaRuntime(inputs: Uint8Array[]): Promise<number> {
  const hash = await sha256Hex(kernel);
  const leases: Lease[] = inputs.map((input, i) => ({
    lease: `l${i}`,
    unit: String(i),
    project: 'bench',
    batch: 'bench',
    kernel: hash,
    abi: 'sc1',
    input: bytesToBase64(input),
    deadline: Date.now() + 3_600_000,
    maxRunSeconds: 600,
  }));
  const transport = new FakeTransport(leases, new Map([[hash, kernel]]));
  const runtime = new VolunteerRuntime({
    transport,
    store: new MemoryStore(),
    workers: new ThreadFactory(),
    threads: 1,
    exitWhenIdle: true,
  });
  const start = performance.now();
  await runtime.start();
  await runtime.done;
  const seconds = (performance.now() - start) / 1000;
  if (transport.submitted.length !== inputs.length) throw new Error('runtime lost units');
  return inputs.length / seconds;
}

/** Finds the primes span whose bare run takes about `targetMs`. */
async function calibrate(targetMs: number, count: number): Promise<number> {
  const maxSpan = Math.floor(2 ** 32 / count);
  let span = 1_000_000;
  for (let i = 0; i < 6; i++) {
    const start = performance.now();
    const sample = inputsFor(span, count).filter((_, k) => k % Math.ceil(count / 3) === 0);
    for (const input of sample) await runKernel(module, input, { maxOutputBytes: 1 << 20 });
    const ms = (performance.now() - start) / sample.length;
    span = Math.min(maxSpan, Math.max(1000, Math.round((span * targetMs) / ms)));
  }
  return span;
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

it('runtime throughput / bare WebAssembly loop', async () => {
  const rows = [];
  for (const { targetMs, count } of [
    { targetMs: 100, count: 12 },
    { targetMs: 5, count: 300 },
  ]) {
    const span = await calibrate(targetMs, count);
    const inputs = inputsFor(span, count);
    const ratios: number[] = [];
    let bareRate = 0;
    let runtimeRate = 0;
    for (let r = 0; r < ROUNDS; r++) {
      bareRate = await bare(inputs);
      runtimeRate = await viaRuntime(inputs);
      ratios.push(runtimeRate / bareRate);
    }
    rows.push({
      unit: `~${targetMs} ms (primes span ${span})`,
      units: count,
      'bare units/s': round(bareRate, 1),
      'runtime units/s': round(runtimeRate, 1),
      'runtime / bare (median)': round(median(ratios)),
    });
  }
  report('runtime-overhead', rows, { rounds: ROUNDS, environment: 'Node worker_threads, 1 thread' });
});
