// Validated units per second through the real server (its own process, SQLite) at quorum 2 with
// full replication: lease + signed result + validation + signed ledger entry for every replica,
// with batched lease/submit requests from simulated volunteers in this process.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { it } from 'vitest';
import { honest, SimVolunteer } from '../helpers/sim-volunteer.js';
import { startServerProcess } from '../helpers/server-process.js';
import { cliJson } from '../helpers/cli.js';
import { report, round } from './report.js';

it('validated units per second at quorum 2 (SQLite, batched requests)', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'sc-bench-throughput-'));
  const { child, url } = await startServerProcess(
    join(dir, 'data'),
    process.env.BENCH_SERVER_NODE_ARGS?.split(' ').filter(Boolean),
  );
  const rows = [];
  try {
    const { token } = await cliJson<{ token: string }>(['token', 'create', '--data-dir', join(dir, 'data')]);
    const call = async (method: string, path: string, body: unknown, type = 'application/json') =>
      (
        await fetch(`${url}/api/v1${path}`, {
          method,
          headers: { authorization: `Bearer ${token}`, 'content-type': type },
          body: Buffer.isBuffer(body) ? new Uint8Array(body) : JSON.stringify(body),
        })
      ).json() as Promise<Record<string, string>>;
    const kernel = (await call('POST', '/kernels', readFileSync('dist/test-kernels/echo.wasm'), 'application/wasm'))
      .hash;
    for (const { units, volunteers, batchSize } of [
      { units: 20_000, volunteers: 8, batchSize: 256 },
      { units: 20_000, volunteers: 4, batchSize: 64 },
    ]) {
      const project = (await call('POST', '/projects', { name: `bench ${volunteers}x${batchSize}` })).id;
      const inputs = Array.from({ length: units }, (_, i) => i);
      const { batch } = await call('POST', `/projects/${project}/batches`, { kernel, inputs, replication: 'full' });
      const sims = Array.from({ length: volunteers }, () => new SimVolunteer(url, honest));
      await Promise.all(sims.map((s) => s.register()));
      const start = performance.now();
      let results = 0;
      await Promise.all(
        sims.map(async (sim) => {
          for (;;) {
            const leases = await sim.lease(batchSize, [project]);
            if (leases.length === 0) return;
            await sim.work(leases);
            results += leases.length;
          }
        }),
      );
      const seconds = (performance.now() - start) / 1000;
      const status = (await (
        await fetch(`${url}/api/v1/batches/${batch}`, { headers: { authorization: `Bearer ${token}` } })
      ).json()) as { counts: { done: number } };
      if (status.counts.done !== units) throw new Error(`only ${status.counts.done} of ${units} validated`);
      rows.push({
        units,
        volunteers,
        'units per request': batchSize,
        seconds: round(seconds, 2),
        'validated units/s': Math.round(units / seconds),
        'results/s': Math.round(results / seconds),
      });
    }
  } finally {
    child.kill('SIGTERM');
  }
  rmSync(dir, { recursive: true, force: true });
  report('validated-throughput', rows, {
    note: 'server in its own process; clients (lease, sign, submit) share the other core; quorum 2, full replication',
  });
});
