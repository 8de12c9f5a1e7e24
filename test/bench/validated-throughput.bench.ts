// Validated units per second through the real server (its own process, SQLite) at quorum 2 with
// full replication: lease + signed result + validation + ledger entry for every replica, with
// batched lease/submit requests from simulated volunteers in this process. Side by side in one
// run: this build and a baseline build of an earlier commit (BENCH_BASELINE_REF, by default the
// last commit before the set-based hot path), each server's CPU microseconds per validated unit
// (which do not depend on how busy the other core is), then a profile of this build's server:
// CPU self time by function and time by SQL statement.
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { it } from 'vitest';
import type { StatementTime } from '../../src/server/store/sqlite/statement-profile.js';
import { cliJson } from '../helpers/cli.js';
import { startServerProcess, stopServerProcess } from '../helpers/server-process.js';
import { honest, SimVolunteer } from '../helpers/sim-volunteer.js';
import { CLK_TCK, treeTicks } from './browser/proc-cpu.js';
import { BASELINE_REF, buildBaseline } from './baseline-build.js';
import { report, round } from './report.js';
import { hotspots } from './scaling/cpu-profile.js';

const UNITS = Number(process.env.BENCH_UNITS ?? 20_000);
const SHAPES = [
  { volunteers: 8, batchSize: 256 },
  { volunteers: 4, batchSize: 64 },
];

interface Run {
  seconds: number;
  serverCpuSeconds: number;
  /** CPU of this process (the simulated volunteers) over the run. */
  volunteersCpuSeconds: number;
}

async function measure(
  root: string,
  dataDir: string,
  volunteers: number,
  batchSize: number,
  nodeArgs: string[] = [],
): Promise<Run> {
  const { child, url } = await startServerProcess(dataDir, nodeArgs, [], root);
  try {
    const { token } = await cliJson<{ token: string }>(['token', 'create', '--data-dir', dataDir]);
    const call = async (method: string, path: string, body: unknown, type = 'application/json') => {
      const response = await fetch(`${url}/api/v1${path}`, {
        method,
        headers: { authorization: `Bearer ${token}`, 'content-type': type },
        body: Buffer.isBuffer(body) ? new Uint8Array(body) : JSON.stringify(body),
      });
      if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${await response.text()}`);
      return (await response.json()) as Record<string, string>;
    };
    const kernel = (await call('POST', '/kernels', readFileSync('dist/test-kernels/echo.wasm'), 'application/wasm'))
      .hash;
    const project = (await call('POST', '/projects', { name: `bench ${volunteers}x${batchSize}` })).id;
    const inputs = Array.from({ length: UNITS }, (_, i) => i);
    const { batch } = await call('POST', `/projects/${project}/batches`, { kernel, inputs, replication: 'full' });
    const sims = Array.from({ length: volunteers }, () => new SimVolunteer(url, honest));
    await Promise.all(sims.map((s) => s.register()));
    const ticksBefore = treeTicks().get(child.pid!)?.ticks ?? 0;
    const ownBefore = process.cpuUsage();
    const start = performance.now();
    await Promise.all(
      sims.map(async (sim) => {
        for (;;) {
          const leases = await sim.lease(batchSize, [project]);
          if (leases.length === 0) return;
          await sim.work(leases);
        }
      }),
    );
    const seconds = (performance.now() - start) / 1000;
    const ticksAfter = treeTicks().get(child.pid!)?.ticks ?? 0;
    const own = process.cpuUsage(ownBefore);
    const status = (await call('GET', `/batches/${batch}`, undefined)) as unknown as { counts: { done: number } };
    if (status.counts.done !== UNITS) throw new Error(`only ${status.counts.done} of ${UNITS} validated`);
    return {
      seconds,
      serverCpuSeconds: (ticksAfter - ticksBefore) / CLK_TCK,
      volunteersCpuSeconds: (own.user + own.system) / 1e6,
    };
  } finally {
    await stopServerProcess(child);
  }
}

it('validated units per second at quorum 2 (SQLite, batched requests), this build vs a baseline', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'sc-bench-throughput-'));
  try {
    const baseline = buildBaseline(dir);
    const builds: [string, string][] = [['this build', '.']];
    if ('root' in baseline) builds.unshift([`baseline ${BASELINE_REF}`, baseline.root]);
    const rows: Record<string, string | number>[] = [];
    for (const { volunteers, batchSize } of SHAPES) {
      const perUnit: Record<string, number> = {};
      for (const [build, root] of builds) {
        const run = await measure(
          root,
          join(dir, `${build}-${volunteers}`.replace(/\W+/g, '-')),
          volunteers,
          batchSize,
        );
        perUnit[build] = (run.serverCpuSeconds * 1e6) / UNITS;
        rows.push({
          build,
          units: UNITS,
          volunteers,
          'units per request': batchSize,
          seconds: round(run.seconds, 2),
          'validated units/s': Math.round(UNITS / run.seconds),
          'server CPU µs/unit': Math.round(perUnit[build]!),
          'volunteers CPU µs/unit': Math.round((run.volunteersCpuSeconds * 1e6) / UNITS),
        });
      }
      const [first, second] = Object.values(perUnit);
      if (builds.length === 2)
        rows.push({
          build: 'baseline ÷ this build (server CPU per unit)',
          'server CPU µs/unit': round(first! / second!, 2),
        });
    }

    // Where this build's server spends its time, on the first shape (profiling slows it down).
    // BENCH_PROFILE_DIR keeps the .cpuprofile files (open them in Chrome's DevTools) and every
    // statement's time (statements.json).
    const profileDir = process.env.BENCH_PROFILE_DIR ?? join(dir, 'profile');
    mkdirSync(profileDir, { recursive: true });
    const statements = join(profileDir, 'statements.json');
    process.env.SC_SQL_PROFILE = statements;
    try {
      await measure('.', join(dir, 'profiled'), SHAPES[0]!.volunteers, SHAPES[0]!.batchSize, [
        '--cpu-prof',
        '--cpu-prof-dir',
        profileDir,
      ]);
    } finally {
      delete process.env.SC_SQL_PROFILE;
    }
    const sql = existsSync(statements) ? (JSON.parse(readFileSync(statements, 'utf8')) as StatementTime[]) : [];
    const sqlMs = sql.reduce((sum, s) => sum + s.ms, 0);
    const topStatements = sql.slice(0, 12).map((s) => ({
      statement: s.sql.slice(0, 110),
      calls: s.calls,
      'µs/unit': round((s.ms * 1000) / UNITS, 1),
    }));
    console.log('\n## validated-throughput: SQL statements (this build, profiled run)');
    console.table(topStatements);
    const profile = hotspots(profileDir, 15);
    console.log('\n## validated-throughput: server CPU by function (this build, profiled run)');
    console.table(profile);
    report('validated-throughput', rows, {
      note:
        'server in its own process (SQLite); simulated volunteers (lease, sign, submit) in the bench process share ' +
        "the other core; quorum 2, full replication. Server CPU µs/unit = the server process's CPU time over the run " +
        '÷ validated units; the baseline is the same bench against an earlier commit built in a scratch directory.',
      baseline: 'root' in baseline ? BASELINE_REF : baseline.missing,
      sqlMicrosecondsPerUnit: round((sqlMs * 1000) / UNITS, 1),
      statements: topStatements,
      profile,
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
