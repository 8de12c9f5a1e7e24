// Each kernel in headless Chromium against its C twin (test/bench/native/*.c) built by gcc -O2
// and by gcc -O3 -march=native, on the same inputs, in one run, side by side. Both sides time
// only the computation and the output formatting: the fastest of REPS runs, over ROUNDS rounds
// that alternate the three (Chromium: the `run` call on a fresh instance; C: the same work inside
// the process, no start-up). The outputs must be the same bytes before a time counts. -ffp-contract=off on the C side: a fused
// multiply-add rounds differently from wasm's separate ones, and then Lorenz-96's bytes would
// differ. Ratios are wasm speed / native speed (1 = as fast as native). Goal: ≥ 0.8 of -O2.
// Alignment also in GCUPS (billions of cell updates per second), SIMD build vs an SSE2 twin of
// the same striped loop, and scalar build vs the scalar C loop.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { CHROMIUM_ARGS, chromiumPath } from '../browser/chromium.js';
import { referenceGenome, sequencingReads } from '../../src/server/demo-genome.js';
import { timeKernel } from './browser/kernel-timer.js';
import { report, round } from './report.js';

const REPS = Number(process.env.NATIVE_BENCH_REPS ?? 5);
/** Rounds alternating Chromium, -O2 and -O3 (fastest kept): a busy shared box then slows all three alike. */
const ROUNDS = Number(process.env.NATIVE_BENCH_ROUNDS ?? 3);
const FLAGS = { 'gcc -O2': ['-O2'], 'gcc -O3 -march=native': ['-O3', '-march=native'] } as const;
type Build = keyof typeof FLAGS;

let browser: Browser;
let page: Page;
let dir: string;

beforeAll(async () => {
  const script = new URL('../../scripts/build-kernels.mjs', import.meta.url).href;
  const { buildKernels } = (await import(script)) as { buildKernels: (o: object) => Promise<unknown> };
  await buildKernels({ log: () => {} });
  dir = mkdtempSync(join(tmpdir(), 'sc-native-'));
  for (const kernel of ['lorenz96', 'alignment', 'mandelbrot', 'primes']) {
    for (const [build, flags] of Object.entries(FLAGS)) {
      const out = join(dir, `${kernel}-${build.replace(/\W+/g, '_')}`);
      execFileSync('gcc', [...flags, '-ffp-contract=off', '-o', out, `test/bench/native/${kernel}.c`, '-lm']);
    }
  }
  browser = await chromium.launch({ executablePath: chromiumPath(), headless: true, args: CHROMIUM_ARGS });
  page = await browser.newPage();
  await page.goto('about:blank');
});

afterAll(async () => {
  await browser?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** Runs the C twin; returns its output and its fastest run in ms. */
function native(kernel: string, build: Build, args: string[]): { ms: number; output: string } {
  const bin = join(dir, `${kernel}-${build.replace(/\W+/g, '_')}`);
  const run = spawnSync(bin, args, { encoding: 'utf8', maxBuffer: 64 << 20 });
  if (run.status !== 0) throw new Error(`${bin} failed: ${run.stderr}`);
  return { ms: Number(run.stderr.trim()) / 1e6, output: run.stdout };
}

interface Case {
  name: string;
  wasm: string;
  input: string;
  kernel: string;
  args: string[];
  /** Cell updates, for GCUPS. */
  cells?: number;
}

function cases(): Case[] {
  const lorenz = { n: 40, forcingMilli: 8000, dtMicro: 10000, steps: 20000, every: 100, member: 1, perturbNano: 1000 };
  const tile = { width: 896, height: 640, x: 192, y: 192, w: 256, h: 256, maxIter: 1000 };
  const primes = { from: 1_000_000_000, to: 1_100_000_000 };
  const reference = referenceGenome(2000, 7);
  const reads = sequencingReads(referenceGenome(40000, 7), 256, 150, 8).map((r) => r.sequence);
  const alignFile = join(dir, 'alignment.txt');
  writeFileSync(alignFile, [reference, ...reads].join('\n') + '\n');
  const align = JSON.stringify({ query: reference, targets: reads });
  const cells = reference.length * reads.reduce((sum, r) => sum + r.length, 0);
  return [
    {
      name: 'lorenz96 (n 40, 20000 RK4 steps + control)',
      wasm: 'lorenz96.wasm',
      input: JSON.stringify(lorenz),
      kernel: 'lorenz96',
      args: Object.values(lorenz).map(String),
    },
    {
      name: 'mandelbrot (256×256 tile, maxIter 1000)',
      wasm: 'mandelbrot.wasm',
      input: JSON.stringify(tile),
      kernel: 'mandelbrot',
      args: Object.values(tile).map(String),
    },
    {
      name: 'primes (10⁸ numbers from 10⁹)',
      wasm: 'primes.wasm',
      input: JSON.stringify(primes),
      kernel: 'primes',
      args: [String(primes.from), String(primes.to)],
    },
    {
      name: 'alignment SIMD (2000 × 256 reads of 150)',
      wasm: 'alignment.wasm',
      input: align,
      kernel: 'alignment',
      args: [alignFile, '', 'striped'],
      cells,
    },
    {
      name: 'alignment scalar (same input)',
      wasm: 'alignment-scalar.wasm',
      input: align,
      kernel: 'alignment',
      args: [alignFile, '', 'scalar'],
      cells,
    },
  ];
}

it('runs each kernel in Chromium near gcc speed, with the same output', async () => {
  const rows: Record<string, string | number>[] = [];
  for (const c of cases()) {
    const wasm = new Uint8Array(readFileSync(join('dist/kernels', c.wasm)));
    const withReps = (args: string[]) => args.map((a) => (a === '' ? String(REPS) : a));
    const args = c.args.includes('') ? withReps(c.args) : [...c.args, String(REPS)];
    const fastest = <T extends { ms: number }>(a: T | undefined, b: T) => (a && a.ms <= b.ms ? a : b);
    let browserRun: Awaited<ReturnType<typeof timeKernel>> | undefined;
    let o2: ReturnType<typeof native> | undefined;
    let o3: ReturnType<typeof native> | undefined;
    for (let round = 0; round < ROUNDS; round++) {
      browserRun = fastest(browserRun, await timeKernel(page, wasm, c.input, REPS));
      o2 = fastest(o2, native(c.kernel, 'gcc -O2', args));
      o3 = fastest(o3, native(c.kernel, 'gcc -O3 -march=native', args));
    }
    if (!browserRun || !o2 || !o3) throw new Error('NATIVE_BENCH_ROUNDS must be at least 1');
    expect(o2.output, `${c.name}: gcc -O2 output`).toBe(browserRun.output);
    expect(o3.output, `${c.name}: gcc -O3 output`).toBe(browserRun.output);
    const row: Record<string, string | number> = {
      kernel: c.name,
      'chromium ms': round(browserRun.ms, 2),
      'gcc -O2 ms': round(o2.ms, 2),
      'gcc -O3 -march=native ms': round(o3.ms, 2),
      'vs -O2': round(o2.ms / browserRun.ms, 2),
      'vs -O3 native': round(o3.ms / browserRun.ms, 2),
    };
    if (c.cells) {
      row['GCUPS chromium'] = round(c.cells / browserRun.ms / 1e6, 2);
      row['GCUPS -O2'] = round(c.cells / o2.ms / 1e6, 2);
      row['GCUPS -O3'] = round(c.cells / o3.ms / 1e6, 2);
    }
    rows.push(row);
    process.stderr.write(`[native-kernels] ${JSON.stringify(row)}\n`);
  }
  report('native-kernels', rows, {
    reps: REPS,
    rounds: ROUNDS,
    chromium: browser.version(),
    note: 'ratios are native time / Chromium time (wasm speed as a fraction of native); outputs checked byte-equal',
  });
});
