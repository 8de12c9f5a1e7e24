// Validated units per second at quorum 2 with full replication, side by side in one run: SQLite
// with 1 server process, PostgreSQL with 1, 2 and 3 server processes on one database. The load
// generator (simulated volunteers: lease, sign, submit) is this process; each server is its own
// process, and the volunteers are spread over the servers round robin. Besides the rate, the CPU
// seconds per 1,000 validated units of the server processes and of the PostgreSQL backends that
// served them, which do not depend on the core count; then a CPU profile of one PostgreSQL server
// process says where its time goes. PostgreSQL rows are skipped, with the reason, without a
// database URL (SC_TEST_DATABASE_URL or DATABASE_URL).
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { it } from 'vitest';
import pg from 'pg';
import { createTestDatabase, postgresMissing } from '../helpers/backends.js';
import { cliJson } from '../helpers/cli.js';
import { startServerProcess, stopServerProcess } from '../helpers/server-process.js';
import { honest, SimVolunteer } from '../helpers/sim-volunteer.js';
import { CLK_TCK, treeTicks } from './browser/proc-cpu.js';
import { report, round } from './report.js';
import { hotspots } from './scaling/cpu-profile.js';

const UNITS = Number(process.env.BENCH_UNITS ?? 10_000);
const VOLUNTEERS = 8;
const UNITS_PER_REQUEST = 256;

interface Setup {
  backend: 'sqlite' | 'postgres';
  processes: number;
  /** Node flags for the server processes (a profile). */
  nodeArgs?: string[];
}

interface Run {
  seconds: number;
  serverCpu: number;
  databaseCpu: number;
  loadCpu: number;
}

/** CPU seconds a set of pids used between two snapshots of every process on the machine. */
function cpuOf(pids: number[], before: ReturnType<typeof treeTicks>, after: ReturnType<typeof treeTicks>): number {
  let ticks = 0;
  for (const pid of pids) {
    const end = after.get(pid);
    if (end) ticks += end.ticks - (before.get(pid)?.ticks ?? 0);
  }
  return ticks / CLK_TCK;
}

async function backendPids(url: string, database: string): Promise<number[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const rows = await client.query<{ pid: number }>(
      'SELECT pid FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()',
      [database],
    );
    return rows.rows.map((r) => r.pid);
  } finally {
    await client.end();
  }
}

async function run(setup: Setup, testUrl: string): Promise<Run> {
  const dir = mkdtempSync(join(tmpdir(), 'sc-bench-scaling-'));
  const database = setup.backend === 'postgres' ? await createTestDatabase('bench') : undefined;
  const storeFlags = database ? ['--database-url', database.url] : [];
  const servers: { child: ChildProcess; url: string }[] = [];
  try {
    for (let i = 0; i < setup.processes; i++) {
      servers.push(await startServerProcess(join(dir, `data${i}`), setup.nodeArgs, storeFlags));
    }
    const urls = servers.map((s) => s.url);
    const { token } = await cliJson<{ token: string }>([
      'token',
      'create',
      '--data-dir',
      join(dir, 'data0'),
      ...storeFlags,
    ]);
    const call = async (method: string, path: string, body: unknown, type = 'application/json') => {
      const response = await fetch(`${urls[0]}/api/v1${path}`, {
        method,
        headers: { authorization: `Bearer ${token}`, 'content-type': type },
        body: Buffer.isBuffer(body) ? new Uint8Array(body) : JSON.stringify(body),
      });
      if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${await response.text()}`);
      return (await response.json()) as Record<string, string>;
    };
    const kernel = (await call('POST', '/kernels', readFileSync('dist/test-kernels/echo.wasm'), 'application/wasm'))
      .hash;
    const project = (await call('POST', '/projects', { name: 'scaling' })).id;
    const inputs = Array.from({ length: UNITS }, (_, i) => i);
    const { batch } = await call('POST', `/projects/${project}/batches`, { kernel, inputs, replication: 'full' });
    const sims = Array.from({ length: VOLUNTEERS }, (_, i) => new SimVolunteer(urls[i % urls.length]!, honest));
    await Promise.all(sims.map((s) => s.register()));

    const before = treeTicks(1);
    const loadBefore = process.cpuUsage();
    const start = performance.now();
    await Promise.all(
      sims.map(async (sim) => {
        for (;;) {
          const leases = await sim.lease(UNITS_PER_REQUEST, [project]);
          if (leases.length === 0) return;
          await sim.work(leases);
        }
      }),
    );
    const seconds = (performance.now() - start) / 1000;
    const load = process.cpuUsage(loadBefore);
    const after = treeTicks(1);
    const status = (await (
      await fetch(`${urls[0]}/api/v1/batches/${batch}`, { headers: { authorization: `Bearer ${token}` } })
    ).json()) as { counts: { done: number } };
    if (status.counts.done !== UNITS) throw new Error(`only ${status.counts.done} of ${UNITS} validated`);
    const databasePids = database ? await backendPids(testUrl, new URL(database.url).pathname.slice(1)) : [];
    return {
      seconds,
      serverCpu: cpuOf(
        servers.map((s) => s.child.pid!),
        before,
        after,
      ),
      databaseCpu: cpuOf(databasePids, before, after),
      loadCpu: (load.user + load.system) / 1e6,
    };
  } finally {
    await Promise.all(servers.map((s) => stopServerProcess(s.child)));
    await database?.drop();
    if (!setup.nodeArgs) rmSync(dir, { recursive: true, force: true });
  }
}

it('validated units per second: SQLite and PostgreSQL with 1, 2 and 3 server processes', async () => {
  const missing = postgresMissing();
  const testUrl = process.env.SC_TEST_DATABASE_URL ?? process.env.DATABASE_URL ?? '';
  const setups: Setup[] = [{ backend: 'sqlite', processes: 1 }];
  if (missing) console.log(`store-scaling: PostgreSQL rows skipped: ${missing}`);
  else for (const processes of [1, 2, 3]) setups.push({ backend: 'postgres', processes });

  const rows = [];
  const rates = new Map<string, number>();
  for (const setup of setups) {
    const measured = await run(setup, testUrl);
    const perThousand = (cpu: number) => round((cpu * 1000) / UNITS, 3);
    const rate = UNITS / measured.seconds;
    rates.set(`${setup.backend}×${setup.processes}`, rate);
    rows.push({
      store: setup.backend,
      'server processes': setup.processes,
      'validated units/s': Math.round(rate),
      'server CPU s / 1000 units': perThousand(measured.serverCpu),
      'PostgreSQL CPU s / 1000 units': setup.backend === 'postgres' ? perThousand(measured.databaseCpu) : '-',
      'load generator CPU s / 1000 units': perThousand(measured.loadCpu),
    });
  }

  let profile: ReturnType<typeof hotspots> = [];
  if (!missing) {
    const dir = mkdtempSync(join(tmpdir(), 'sc-bench-profile-'));
    await run({ backend: 'postgres', processes: 1, nodeArgs: ['--cpu-prof', '--cpu-prof-dir', dir] }, testUrl);
    profile = hotspots(dir);
    rmSync(dir, { recursive: true, force: true });
    console.log('\n## store-scaling: where one PostgreSQL server process spends its CPU (self time)');
    console.table(profile);
  }
  const pg1 = rates.get('postgres×1');
  const pg2 = rates.get('postgres×2');
  report('store-scaling', rows, {
    units: UNITS,
    volunteers: VOLUNTEERS,
    unitsPerRequest: UNITS_PER_REQUEST,
    scaling2vs1: pg1 && pg2 ? round(pg2 / pg1, 2) : undefined,
    profile,
    note:
      'quorum 2, full replication; servers, PostgreSQL and the load generator share the 2 cores, so more ' +
      'processes cannot add cores here: compare CPU seconds per 1,000 units',
  });
  if (pg1 && pg2) console.log(`store-scaling: PostgreSQL 2 vs 1 server processes: ${(pg2 / pg1).toFixed(2)}×`);
});
