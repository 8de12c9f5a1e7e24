// Validated units per second through the real server (its own process, SQLite) with headless
// volunteer processes (`sparecycles volunteer`, the same runtime as the page), at quorum 2, on
// tiny units so the figure is the system's overhead: lease round trips, stored units and results,
// uploads. Side by side in one run with a baseline build of an earlier commit (./baseline-build.ts),
// server and volunteers both from that build.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { it } from 'vitest';
import { startServerProcess, stopServerProcess } from '../helpers/server-process.js';
import { cli, cliJson } from '../helpers/cli.js';
import { BASELINE_REF, buildBaseline } from './baseline-build.js';
import { report, round } from './report.js';

const SHAPES = [
  { units: 2000, volunteers: 2 },
  { units: 2000, volunteers: 4 },
];

async function measure(root: string, dataDir: string, dir: string, units: number, volunteers: number) {
  const { child, url } = await startServerProcess(dataDir, [], [], root);
  try {
    // Every command from the build being measured: a newer CLI may send what an older server refuses.
    const { token } = await cliJson<{ token: string }>(['token', 'create', '--data-dir', dataDir], {}, root);
    const env = { SPARECYCLES_TOKEN: token, SPARECYCLES_SERVER: url };
    const project = (await cliJson<{ id: string }>(['project', 'create', `bench ${volunteers}`], env, root)).id;
    const inputs = join(dir, 'inputs.jsonl');
    writeFileSync(inputs, Array.from({ length: units }, (_, i) => JSON.stringify({ from: i, to: i + 100 })).join('\n'));
    const { batch } = await cliJson<{ batch: string }>(
      ['publish', '--project', project, '--kernel', 'dist/kernels/primes.wasm', '--inputs', inputs],
      env,
      root,
    );
    const start = performance.now();
    const runs = await Promise.all(
      Array.from({ length: volunteers }, () =>
        cli(['volunteer', '--project', project, '--threads', '1', '--exit-when-idle', '--json'], env, 600_000, root),
      ),
    );
    const seconds = (performance.now() - start) / 1000;
    const status = await cliJson<{ counts: { done: number } }>(['status', '--batch', batch], env, root);
    if (status.counts.done !== units) throw new Error(`only ${status.counts.done} of ${units} validated`);
    const results = runs.reduce((sum, r) => sum + (JSON.parse(r.stdout) as { completed: number }).completed, 0);
    return { seconds, results };
  } finally {
    await stopServerProcess(child);
  }
}

it('validated units per second through the server with volunteer processes, this build vs a baseline', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'sc-bench-'));
  try {
    const baseline = buildBaseline(dir);
    const builds: [string, string][] = [['this build', '.']];
    if ('root' in baseline) builds.unshift([`baseline ${BASELINE_REF}`, baseline.root]);
    const rows: Record<string, string | number>[] = [];
    for (const { units, volunteers } of SHAPES) {
      const rates: number[] = [];
      for (const [build, root] of builds) {
        const data = join(dir, `data-${rows.length}`);
        const { seconds, results } = await measure(root, data, dir, units, volunteers);
        rates.push(units / seconds);
        rows.push({
          build,
          units,
          'volunteer processes': volunteers,
          seconds: round(seconds, 2),
          'validated units/s': round(units / seconds, 1),
          'results/s': round(results / seconds, 1),
        });
      }
      if (rates.length === 2)
        rows.push({ build: 'this build ÷ baseline (units/s)', 'validated units/s': round(rates[1]! / rates[0]!, 2) });
    }
    report('server-throughput', rows, {
      note: 'wall time includes volunteer process start-up and registration; quorum 2, SQLite WAL',
      baseline: 'root' in baseline ? BASELINE_REF : baseline.missing,
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
