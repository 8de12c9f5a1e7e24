// The science demos as seeded: both projects exist with their science described, their inputs are
// deterministic and valid for their kernels, the generated reads map back to where they came from
// (so the alignment picture's best hits are right), and the pictures' data functions summarise
// real kernel outputs as they should.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bestHits, scoreHistogram, toAlignmentUnit } from '../../src/app/science/alignment-data.js';
import { dayReaching, ensembleSeries, toMember } from '../../src/app/science/ensemble-data.js';
import { parseAlignmentInput } from '../../src/kernels/alignment/reference.js';
import { lorenz96Reference } from '../../src/kernels/lorenz96/reference.js';
import { MAX_INPUT_BYTES, MAX_OUTPUT_BYTES } from '../../src/protocol/abi.js';
import { runKernel } from '../../src/runtime/kernel-host.js';
import { referenceGenome, sequencingReads } from '../../src/server/demo-genome.js';
import { ENSEMBLE, GENOME, SCIENCE_DEMOS, alignmentInputs } from '../../src/server/demo-science.js';
import { seedDemo } from '../../src/server/seed-demo.js';
import { SqliteStore } from '../../src/server/store/sqlite/sqlite-store.js';

let dir: string;
let store: SqliteStore;

beforeAll(async () => {
  const script = new URL('../../scripts/build-kernels.mjs', import.meta.url).href;
  const { buildKernels } = (await import(script)) as { buildKernels: (o: object) => Promise<unknown> };
  await buildKernels({ log: () => {} });
  dir = mkdtempSync(join(tmpdir(), 'sc-demo-science-'));
  store = new SqliteStore(join(dir, 'store.db'));
});

afterAll(async () => {
  await store?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('science demos', () => {
  it('are seeded as public projects with a description of their science', async () => {
    const { seeded } = await seedDemo(store, dir);
    expect(seeded).toEqual(expect.arrayContaining(['lorenz96', 'alignment', 'mandelbrot', 'primes']));
    const projects = await store.listProjects();
    const byId = new Map(projects.map((p) => [p.id, p]));
    expect(byId.get('lorenz96')).toMatchObject({ picture: true, units: { unsent: 1000 } });
    expect(byId.get('alignment')).toMatchObject({ picture: true, units: { unsent: alignmentInputs().length } });
    for (const demo of SCIENCE_DEMOS) expect(byId.get(demo.id)?.description.length).toBeGreaterThan(300);
    // Seeding again changes nothing.
    expect((await seedDemo(store, dir)).seeded).toEqual([]);
  });

  it('makes the same valid inputs every time, each within the unit size limit', () => {
    const inputs = alignmentInputs();
    expect(alignmentInputs()).toEqual(inputs);
    expect(inputs).toHaveLength(11 * 5);
    for (const input of inputs) {
      const bytes = new TextEncoder().encode(JSON.stringify(input));
      expect(bytes.length).toBeLessThan(MAX_INPUT_BYTES);
      const parsed = parseAlignmentInput(bytes);
      expect(parsed.query.length).toBeLessThanOrEqual(GENOME.window);
      expect(parsed.targets).toHaveLength(GENOME.readsPerUnit);
    }
    const genome = referenceGenome(GENOME.length, GENOME.seed);
    const gc = [...genome].filter((c) => c === 'G' || c === 'C').length / genome.length;
    expect(gc).toBeGreaterThan(0.33);
    expect(gc).toBeLessThan(0.45);
    const lorenz = SCIENCE_DEMOS.find((d) => d.id === 'lorenz96')!.inputs() as { member: number }[];
    expect(lorenz.map((i) => i.member)).toEqual(Array.from({ length: ENSEMBLE.members }, (_, i) => i + 1));
  });

  it('finds the reads where they came from, and the picture reports those hits', async () => {
    const module = await WebAssembly.compile(readFileSync('dist/kernels/alignment.wasm'));
    const units = [];
    for (const input of alignmentInputs()) {
      const outcome = await runKernel(module, new TextEncoder().encode(JSON.stringify(input)), {
        maxOutputBytes: MAX_OUTPUT_BYTES,
      });
      if (!outcome.ok) throw new Error(outcome.error.message);
      const unit = toAlignmentUnit(input, JSON.parse(new TextDecoder().decode(outcome.output)));
      expect(unit).toBeDefined();
      units.push(unit!);
    }
    const hits = bestHits(units);
    expect(hits).toHaveLength(GENOME.reads);
    const reads = sequencingReads(
      referenceGenome(GENOME.length, GENOME.seed),
      GENOME.reads,
      GENOME.readLength,
      GENOME.seed + 1,
    );
    let placed = 0;
    let genuine = 0;
    for (const hit of hits) {
      const { origin } = reads[hit.read]!;
      if (origin < 0) {
        expect(hit.score, `contaminant read ${hit.read}`).toBeLessThan(100);
        continue;
      }
      genuine++;
      expect(hit.score).toBeGreaterThan(150);
      // The hit ends where the read's last letter came from, give or take its indels (1-based).
      if (Math.abs(hit.to - (origin + GENOME.readLength)) <= 6) placed++;
    }
    expect(placed / genuine).toBeGreaterThan(0.95);
    const bins = scoreHistogram(hits, 10);
    expect(bins.reduce((n, b) => n + b.count, 0)).toBe(GENOME.reads);
    expect(bins.at(-1)!.from).toBe(300);
    expect(toAlignmentUnit({ query: 'A', targets: [] }, { scores: [], ends: [] })).toBeUndefined();
  });

  it('summarises an ensemble as lines, an envelope and a median that grow apart', () => {
    const { members: _m, ...base } = ENSEMBLE;
    const members = [1, 2, 3].map((member) => {
      const input = { ...base, member };
      return toMember(input, lorenz96Reference(input))!;
    });
    const series = ensembleSeries(members, 2)!;
    expect(series.members).toHaveLength(2);
    expect(series.days).toHaveLength(ENSEMBLE.steps / ENSEMBLE.every + 1);
    expect(series.days.at(-1)).toBeCloseTo(75);
    for (let s = 0; s < series.days.length; s++) {
      expect(series.low[s]!).toBeLessThanOrEqual(series.median[s]!);
      expect(series.median[s]!).toBeLessThanOrEqual(series.high[s]!);
    }
    expect(series.median[0]!).toBeLessThan(1e-5);
    expect(series.median.at(-1)!).toBeGreaterThan(1);
    expect(dayReaching(series, 1)).toBeGreaterThan(5);
    expect(ensembleSeries([], 2)).toBeNull();
    expect(toMember({ dtMicro: 1 }, { member: 1, every: 1, distance: ['x'] })).toBeUndefined();
  });
});
