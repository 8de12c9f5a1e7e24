// Validated units per second through the real server (its own process, SQLite) with headless
// volunteer processes, at quorum 2, on tiny units so the figure is the system's overhead.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { it } from 'vitest';
import { startServerProcess } from '../helpers/server-process.js';
import { cli, cliJson } from '../helpers/cli.js';
import { report, round } from './report.js';

it('validated units per second through the server', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'sc-bench-'));
  const { child, url } = await startServerProcess(join(dir, 'data'));
  try {
    const { token } = await cliJson<{ token: string }>(['token', 'create', '--data-dir', join(dir, 'data')]);
    const env = { SPARECYCLES_TOKEN: token, SPARECYCLES_SERVER: url };
    const rows = [];
    for (const { units, volunteers } of [
      { units: 2000, volunteers: 2 },
      { units: 2000, volunteers: 4 },
    ]) {
      const project = (await cliJson<{ id: string }>(['project', 'create', `bench ${volunteers}`], env)).id;
      const inputs = join(dir, 'inputs.jsonl');
      writeFileSync(
        inputs,
        Array.from({ length: units }, (_, i) => JSON.stringify({ from: i, to: i + 100 })).join('\n'),
      );
      const { batch } = await cliJson<{ batch: string }>(
        ['publish', '--project', project, '--kernel', 'dist/kernels/primes.wasm', '--inputs', inputs],
        env,
      );
      const start = performance.now();
      const runs = await Promise.all(
        Array.from({ length: volunteers }, () =>
          cli(['volunteer', '--project', project, '--threads', '1', '--exit-when-idle', '--json'], env),
        ),
      );
      const seconds = (performance.now() - start) / 1000;
      const status = await cliJson<{ counts: { done: number } }>(['status', '--batch', batch], env);
      if (status.counts.done !== units) throw new Error(`only ${status.counts.done} of ${units} validated`);
      const results = runs.reduce((sum, r) => sum + (JSON.parse(r.stdout) as { completed: number }).completed, 0);
      rows.push({
        units,
        'volunteer processes': volunteers,
        seconds: round(seconds, 2),
        'validated units/s': round(units / seconds, 1),
        'results/s': round(results / seconds, 1),
      });
    }
    report('server-throughput', rows, {
      note: 'wall time includes volunteer process start-up and registration; quorum 2, SQLite WAL',
    });
  } finally {
    child.kill('SIGTERM');
    rmSync(dir, { recursive: true, force: true });
  }
});
