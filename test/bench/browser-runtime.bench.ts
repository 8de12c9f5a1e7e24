// The volunteer runtime's throughput in real Chromium over a bare WebAssembly loop in the same
// browser, same kernel (primes), same inputs, one thread. Bare: a page-side Web Worker that runs
// the units back to back. Runtime: the volunteer page (Start, 1 thread, 100 %), units leased from
// the in-process server and results uploaded; timed from the first lease the server hands out
// to the moment the batch shows every unit validated (GET /api/v1/batches/:id, polled).
// Alternating bare/runtime three times (the box is shared and noisy); median ratio. Goals: ≥ 0.97 for ~100 ms units, ≥ 0.90 for ~5 ms.
import { readFileSync } from 'node:fs';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, it } from 'vitest';
import { startStack, type Stack } from '../browser/page-fixture.js';
import { runBare } from './browser/bare-worker.js';
import { loadAverage, threadPercents, threadTicks } from './browser/proc-cpu.js';
import {
  batchStatus,
  createProject,
  median,
  openVolunteerPage,
  pauseButton,
  publishBatch,
  setPressure,
  sleep,
  startButton,
  uploadKernel,
} from './browser/page.js';
import { report, round } from './report.js';

const SECONDS = Number(process.env.RUNTIME_BENCH_SECONDS ?? 15);
const ROUNDS = Number(process.env.RUNTIME_BENCH_ROUNDS ?? 3);
// RUNTIME_BENCH_TARGETS=5 runs only the ~5 ms units (default: 100,5).
const wasm = new Uint8Array(readFileSync('dist/kernels/primes.wasm'));

let stack: Stack;
beforeAll(async () => {
  stack = await startStack();
});
afterAll(async () => {
  await stack?.close();
});

const inputsFor = (span: number, count: number) =>
  Array.from({ length: count }, (_, i) => ({ from: i * 1000, to: i * 1000 + span }));

/** The primes span whose bare run takes about `targetMs` per unit (warm). */
async function calibrate(page: Page, targetMs: number): Promise<number> {
  let span = Math.round(targetMs * 2.5e6);
  for (let i = 0; i < 4; i++) {
    const run = await runBare(
      page,
      wasm,
      inputsFor(span, 12).map((input) => JSON.stringify(input)),
    );
    const warm = run.times.slice(4);
    const ms = warm.reduce((a, b) => a + b, 0) / warm.length;
    span = Math.round((span * targetMs) / ms);
  }
  return span;
}

const CAP_MS = 20_000;
const progress = (line: string) => process.stderr.write(`[browser-runtime] ${line}\n`);

/** Request paths with their durations (ms), from the page's finished requests. */
function timeRequests(page: Page): { path: string; ms: number; at: number }[] {
  const log: { path: string; ms: number; at: number }[] = [];
  page.on('requestfinished', (request) => {
    const t = request.timing();
    log.push({ path: new URL(request.url()).pathname, ms: t.responseEnd, at: t.startTime });
  });
  return log;
}

/** Runs a fresh batch through the page's runtime; the rate counts validated units over the time
 * from the first lease to the last validation (or to CAP_MS, when it takes longer). */
async function viaRuntime(
  page: Page,
  project: string,
  kernel: string,
  inputs: unknown[],
  log: { path: string; ms: number }[],
) {
  const batch = await publishBatch(stack, project, kernel, inputs);
  const firstRequest = log.length;
  // Where the CPU goes meanwhile: Chromium's threads, and this process (the server, the harness).
  const threadsBefore = threadTicks();
  const nodeBefore = process.cpuUsage();
  const wallBefore = performance.now();
  await startButton(page).click();
  let previous = performance.now();
  let started: number | undefined;
  let ended: number | undefined;
  let done = 0;
  let capped = false;
  while (ended === undefined) {
    const status = await batchStatus(stack, batch);
    const now = performance.now();
    const seen = status.counts.inFlight + status.counts.validating + status.counts.done + status.counts.error;
    if (started === undefined && seen > 0) started = (previous + now) / 2;
    done = status.counts.done;
    if (status.done) {
      if (status.counts.done !== inputs.length) throw new Error(`units failed: ${JSON.stringify(status.counts)}`);
      ended = (previous + now) / 2;
    } else if (started !== undefined && now - started > CAP_MS) {
      ended = now;
      capped = true;
    }
    previous = now;
    // Polled gently: the server shares the machine with the browser under test. Each edge is
    // taken midway between two polls, so the error is at most ±50 ms on a ~15 s run.
    if (ended === undefined) await sleep(100);
  }
  const wallMs = performance.now() - wallBefore;
  const node = process.cpuUsage(nodeBefore);
  const threads = threadPercents(threadsBefore, threadTicks(), wallMs);
  await pauseButton(page).click();
  const requests = log.slice(firstRequest);
  const of = (part: string) => requests.filter((r) => r.path.includes(part));
  const sum = (list: { ms: number }[]) => list.reduce((a, r) => a + Math.max(0, r.ms), 0);
  const seconds = (ended - started!) / 1000;
  return {
    rate: done / seconds,
    seconds: round(seconds, 2),
    unitsValidated: done,
    capped,
    serverAndHarnessCpuPercent: round((100 * (node.user + node.system)) / 1000 / wallMs, 1),
    browserThreads: threads.slice(0, 8).map(([label, percent]) => `${label} ${percent.toFixed(1)}`),
    leaseRequests: of('/lease').length,
    leaseMsMedian: round(median(of('/lease').map((r) => r.ms)) || 0, 1),
    leaseMsTotal: round(sum(of('/lease'))),
    resultRequests: of('/results').length,
    resultMsMedian: round(median(of('/results').map((r) => r.ms)) || 0, 1),
    otherRequests: requests.length - of('/lease').length - of('/results').length,
    requestsByPath: Object.fromEntries(
      Object.entries(
        requests.reduce<Record<string, number>>((tally, r) => {
          const key = r.path.replace(/[0-9a-f]{16,}|[A-Za-z0-9_-]{20,}/g, ':id');
          tally[key] = (tally[key] ?? 0) + 1;
          return tally;
        }, {}),
      ).sort((a, b) => b[1] - a[1]),
    ),
  };
}

/** Mean ms of a one-record IndexedDB put with strict durability, and with relaxed, in this page. */
function idbProbe(page: Page): Promise<{ strictMs: number; relaxedMs: number }> {
  return page.evaluate(async () => {
    const db = await new Promise<IDBDatabase>((resolve, reject) => {
      const open = indexedDB.open('bench-probe', 1);
      open.onupgradeneeded = () => open.result.createObjectStore('s');
      open.onsuccess = () => resolve(open.result);
      open.onerror = () => reject(open.error);
    });
    const put = (durability: IDBTransactionDurability, i: number) =>
      new Promise<void>((resolve, reject) => {
        const tx = db.transaction('s', 'readwrite', { durability });
        tx.objectStore('s').put({ i, bytes: new Uint8Array(64) }, i % 8);
        tx.oncomplete = () => resolve();
        tx.onerror = () => reject(tx.error);
      });
    const time = async (durability: IDBTransactionDurability) => {
      const start = performance.now();
      for (let i = 0; i < 40; i++) await put(durability, i);
      return (performance.now() - start) / 40;
    };
    const strictMs = await time('strict');
    const relaxedMs = await time('relaxed');
    db.close();
    indexedDB.deleteDatabase('bench-probe');
    return { strictMs, relaxedMs };
  });
}

it('runtime throughput / bare WebAssembly loop, in Chromium', async () => {
  const kernel = await uploadKernel(stack, 'dist/kernels/primes.wasm');
  const calibration = await openVolunteerPage(stack, { threads: 1, cpuPercent: 100, projects: ['none'] });
  const probe = await idbProbe(calibration.page);
  progress(`IndexedDB put: strict ${probe.strictMs.toFixed(2)} ms, relaxed ${probe.relaxedMs.toFixed(2)} ms`);
  const loads: number[][] = [loadAverage()];
  const rows: Record<string, string | number>[] = [];
  const details: unknown[] = [];

  const targets = (process.env.RUNTIME_BENCH_TARGETS ?? '100,5').split(',').map(Number);
  for (const targetMs of targets) {
    const span = await calibrate(calibration.page, targetMs);
    progress(`~${targetMs} ms: span ${span}`);
    const count = Math.ceil((SECONDS * 1000) / targetMs);
    const ratios: number[] = [];
    const bareRates: number[] = [];
    const runtimeRates: number[] = [];
    for (let r = 0; r < ROUNDS; r++) {
      // Distinct inputs per round so every runtime batch is new work.
      const inputs = inputsFor(span, count).map((input) => ({ ...input, from: input.from + r * 7 }));
      const project = await createProject(stack, `runtime bench ${targetMs} ms round ${r}`);
      const { context, page } = await openVolunteerPage(stack, { threads: 1, cpuPercent: 100, projects: [project] });
      const log = timeRequests(page);
      await setPressure(page, 'nominal');
      const bare = await runBare(
        page,
        wasm,
        inputs.map((input) => JSON.stringify(input)),
      );
      const bareRate = (bare.units * 1000) / bare.ms;
      progress(`bare ${bareRate.toFixed(1)} units/s (load ${loadAverage()[0]})`);
      const runtime = await viaRuntime(page, project, kernel, inputs, log);
      await context.close();
      progress(`runtime ${JSON.stringify(runtime)} (load ${loadAverage()[0]})`);
      bareRates.push(bareRate);
      runtimeRates.push(runtime.rate);
      ratios.push(runtime.rate / bareRate);
      const load = loadAverage();
      loads.push(load);
      details.push({
        targetMs,
        round: r + 1,
        bareSeconds: round(bare.ms / 1000, 2),
        bareMedianUnitMs: round(median(bare.times), 2),
        ...runtime,
        load,
      });
    }
    rows.push({
      unit: `~${targetMs} ms (primes span ${span})`,
      units: count,
      'bare units/s': bareRates.map((x) => round(x, 1)).join(' / '),
      'runtime units/s': runtimeRates.map((x) => round(x, 1)).join(' / '),
      ratios: ratios.map((x) => round(x, 3)).join(' / '),
      'runtime / bare (median)': round(median(ratios)),
      goal: `≥ ${targetMs === 100 ? 0.97 : 0.9}`,
      met: median(ratios) >= (targetMs === 100 ? 0.97 : 0.9) ? 'yes' : 'no',
    });
  }
  await calibration.context.close();
  console.table(details);
  report('browser-runtime', rows, {
    rounds: ROUNDS,
    environment: 'headless Chromium, 1 thread, 100 %, cross-origin isolated page, in-process server',
    details,
    indexedDbPutMs: probe,
    loadAverages: loads,
  });
}, 400_000);
