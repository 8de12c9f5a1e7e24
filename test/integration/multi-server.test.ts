// Several server processes on one PostgreSQL database: 3 `sparecycles serve --database-url`
// processes (the built CLI, each on its own port) and a crowd of simulated volunteers whose
// requests are spread over all of them, while one process is SIGKILLed, twice, and started again
// on its port. Every unit must end validated with the right answer, no unit leased to one
// volunteer twice, no lease handed to two volunteers, at most a quorum of valid results per unit,
// credit equal to validated work, every acknowledged result in the store and the ledger one
// verified chain. Also: `serve --workers 2` on PostgreSQL serves on one port, and is refused on SQLite.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { PostgresStore } from '../../src/server/store/postgres/pg-store.js';
import { treeTicks } from '../bench/browser/proc-cpu.js';
import { createTestDatabase, postgresMissing, type TestDatabase } from '../helpers/backends.js';
import { assertBuilt, cli, cliJson, CLI } from '../helpers/cli.js';
import { inspectDatabase } from './chaos/database-checks.js';
import { ServerProcess } from './chaos/server-process.js';
import { sleep } from './chaos/timing.js';
import { Crowd } from './multi-server/crowd.js';
import { inspectLeases } from './multi-server/lease-checks.js';

const PROCESSES = 3;
const VOLUNTEERS = 50;
const UNITS = 10_000;
const QUORUM = 2;
const CREDIT = 2; // an integer, so sums of credit are exact
// Short, so leases whose answer a kill swallowed come back soon.
const DEADLINE_SECONDS = 5;
const LEASE_MAX = 16;
const COMPUTE_MS: [number, number] = [20, 60];
const REPLAY_SHARE = 0.05;
/** The kills, as shares of the units validated: [which process, when]. */
const KILLS: [number, number][] = [
  [1, 0.2],
  [2, 0.55],
];
/** How long a killed process stays down before it is started again. */
const DOWN_MS = 1500;
const GIVE_UP_MS = 220_000;

const skip = postgresMissing();
const dirs: string[] = [];
const servers: ServerProcess[] = [];
let database: TestDatabase | undefined;
let crowd: Crowd | undefined;

afterAll(async () => {
  crowd?.halt();
  await Promise.all(servers.map((s) => s.stop()));
  await database?.drop();
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'sc-multi-'));
  dirs.push(dir);
  return dir;
}

async function publisher<T>(url: string, token: string, method: string, path: string, body?: unknown): Promise<T> {
  const wasm = Buffer.isBuffer(body);
  const headers: Record<string, string> = { authorization: `Bearer ${token}` };
  if (body !== undefined) headers['content-type'] = wasm ? 'application/wasm' : 'application/json';
  const response = await fetch(`${url}/api/v1${path}`, {
    method,
    headers,
    body: body === undefined ? undefined : wasm ? new Uint8Array(body) : JSON.stringify(body),
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${text}`);
  return (path.endsWith('/results') ? text : JSON.parse(text)) as T;
}

interface BatchStatusBody {
  counts: { unsent: number; inFlight: number; validating: number; done: number; error: number };
  done: boolean;
}

describe.skipIf(skip !== undefined)(`3 server processes on one PostgreSQL${skip ? ` (skipped: ${skip})` : ''}`, () => {
  it('validates every unit once and right, with credit equal to validated work, across two kill -9s', async () => {
    assertBuilt();
    const started = Date.now();
    database = await createTestDatabase('multiserver');
    const flags = ['--database-url', database.url];
    for (let i = 0; i < PROCESSES; i++) servers.push(new ServerProcess(tempDir(), flags));
    // All at once: the migrations must be safe when several processes start together.
    await Promise.all(servers.map((s) => s.start()));
    const urls = servers.map((s) => s.url);

    const { token } = await cliJson<{ token: string }>(['token', 'create', ...flags]);
    // Publishing goes to different processes too.
    const project = await publisher<{ id: string }>(urls[0]!, token, 'POST', '/projects', { name: 'Multi' });
    const kernel = await publisher<{ hash: string }>(
      urls[1]!,
      token,
      'POST',
      '/kernels',
      readFileSync('dist/test-kernels/echo.wasm'),
    );
    const inputs = Array.from({ length: UNITS }, (_, i) => ({ i }));
    const { batch, units } = await publisher<{ batch: string; units: number }>(
      urls[2]!,
      token,
      'POST',
      `/projects/${project.id}/batches`,
      {
        kernel: kernel.hash,
        inputs,
        quorum: QUORUM,
        deadlineSeconds: DEADLINE_SECONDS,
        credit: CREDIT,
        replication: 'full',
      },
    );
    expect(units).toBe(UNITS);

    crowd = new Crowd(urls, { leaseMax: LEASE_MAX, computeMs: COMPUTE_MS, replayShare: REPLAY_SHARE });
    const working = Array.from({ length: VOLUNTEERS }, () => crowd!.volunteer());

    // Polls the batch (on the processes in turn) and kills when the run reaches each mark.
    const kills: { server: number; killedAt: number; restartedAt: number; othersAnswered: number }[] = [];
    let poll = 0;
    let status: BatchStatusBody | undefined;
    while (Date.now() - started < GIVE_UP_MS) {
      try {
        status = await publisher<BatchStatusBody>(urls[poll++ % PROCESSES]!, token, 'GET', `/batches/${batch}`);
      } catch {
        continue; // that process is down: ask the next
      }
      if (status.done) break;
      const next = KILLS[kills.length];
      if (next && status.counts.done >= next[1] * UNITS) {
        const [server] = next;
        await servers[server]!.kill();
        const killedAt = Date.now();
        await sleep(DOWN_MS);
        const othersAnswered = crowd.answered(server, killedAt, Infinity, true);
        await servers[server]!.start();
        kills.push({ server, killedAt, restartedAt: Date.now(), othersAnswered });
      }
      await sleep(250);
    }
    const workMs = Date.now() - started;
    expect(status?.done, `the batch did not finish in ${GIVE_UP_MS} ms: ${JSON.stringify(status)}`).toBe(true);
    crowd.finish();
    await Promise.all(working);

    const lines = (await publisher<string>(urls[0]!, token, 'GET', `/batches/${batch}/results`))
      .split('\n')
      .filter((l) => l.trim())
      .map((l) => JSON.parse(l) as { index: number; input: unknown; output: unknown; outputEncoding?: string });
    expect(lines.map((l) => l.index)).toEqual(inputs.map((_, i) => i));
    const wrong = lines.filter(
      (l) => l.outputEncoding !== undefined || JSON.stringify(l.output) !== JSON.stringify(l.input),
    );
    expect(wrong.slice(0, 5), `${wrong.length} units with a wrong canonical result`).toEqual([]);

    const verify = await cli(['ledger', 'verify', '--database-url', database.url, '--json']);
    for (const server of servers) await server.stop();

    const store = await PostgresStore.open(database.url);
    const audit = await store.audit();
    const found = await inspectDatabase(store.sql, batch, crowd.acked, CREDIT);
    const leases = await inspectLeases(store.sql, QUORUM, crowd.leasedTo);
    await store.close();

    const { stats, problems, serverErrors } = crowd;
    const perServer = servers.map((_, i) => crowd!.answered(i, 0));
    console.log(
      `multi-server: ${UNITS} units, ${VOLUNTEERS} volunteers over ${PROCESSES} processes in ${(workMs / 1000).toFixed(1)} s; ` +
        `answers per process ${perServer.join('/')}; ${found.leaseRows} leases (${leases.neverDelivered} never delivered), ` +
        `${stats.submissions} submissions (${stats.resends} resends, ${stats.replays} replays): ${stats.accepted} accepted, ` +
        `${stats.duplicate} duplicate, ${stats.late} late; ${stats.unanswered} committed but unanswered; ` +
        `kills: ${kills.map((k) => `#${k.server} (others answered ${k.othersAnswered} while it was down, restarted in ${k.restartedAt - k.killedAt} ms)`).join(', ')}; ` +
        `${serverErrors.length} 5xx`,
    );

    expect(problems.slice(0, 10), `${problems.length} problems`).toEqual([]);
    expect(serverErrors.slice(0, 10), `${serverErrors.length} 5xx answers`).toEqual([]);
    for (const server of servers) expect(server.unexpectedExits).toEqual([]);
    // Both kills happened; meanwhile the other processes carried on, and each restarted one served again.
    expect(kills.map((k) => k.server)).toEqual(KILLS.map(([s]) => s));
    for (const kill of kills) {
      expect(kill.othersAnswered, `answers from the others while #${kill.server} was down`).toBeGreaterThan(0);
      expect(
        crowd.answered(kill.server, kill.restartedAt),
        `answers from #${kill.server} after its restart`,
      ).toBeGreaterThan(0);
    }
    expect(found.lost.slice(0, 10), `${found.lost.length} acknowledged results lost`).toEqual([]);
    expect(found.wrongCanonical).toBe(0);
    expect(leases.doubleLeases).toBe(0);
    expect(leases.misattributed.slice(0, 10), `${leases.misattributed.length} leases misattributed`).toEqual([]);
    expect(leases.overValidated).toBe(0);
    // Full replication and honest outputs: exactly a quorum of valid results per unit.
    expect(found.valid).toBe(UNITS * QUORUM);
    expect(audit).toMatchObject({ inconsistentUnits: 0, creditMismatches: 0, validLeases: UNITS * QUORUM });
    expect(audit.ledgerEntries).toBe(UNITS * QUORUM);
    expect(found.net).toBe(UNITS * QUORUM * CREDIT);
    expect(leases.creditSum).toBe(UNITS * QUORUM * CREDIT);
    expect(found.volunteerMismatch).toEqual([]);
    expect(verify.status, verify.stderr).toBe(0);
    const verified = JSON.parse(verify.stdout) as { ok: boolean; entries: number };
    expect(verified).toMatchObject({ ok: true, entries: audit.ledgerEntries });
  }, 260_000);
});

/** Runs `sparecycles serve …`; resolves with the URL once it serves, or the exit and stderr if it ends first. */
function serve(
  args: string[],
): Promise<{ url?: string; pid: number; code: number | null; stderr: string; stop(): void }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [CLI, 'serve', ...args, '--quiet'], { stdio: ['ignore', 'ignore', 'pipe'] });
    process.once('exit', () => child.kill('SIGKILL'));
    const pid = child.pid!;
    let stderr = '';
    const stop = () => child.kill('SIGTERM');
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      resolve({ pid, code: null, stderr: `${stderr}(no answer in 30 s)`, stop });
    }, 30_000);
    child.stderr!.on('data', (d: Buffer) => {
      stderr += d.toString();
      const match = /serving (http:\/\/\S+)/.exec(stderr);
      if (match) {
        clearTimeout(timer);
        resolve({ url: match[1]!.replace('localhost', '127.0.0.1'), pid, code: null, stderr, stop });
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      resolve({ pid, code, stderr, stop });
    });
  });
}

describe('serve --workers', () => {
  it('refuses more than one worker on SQLite, in one line', async () => {
    assertBuilt();
    const result = await cli(['serve', '--workers', '2', '--port', '0', '--data-dir', tempDir()], {
      DATABASE_URL: '',
    });
    expect(result.status).not.toBe(0);
    const lines = result.stderr.trim().split('\n');
    expect(lines, result.stderr).toHaveLength(1);
    expect(lines[0]).toMatch(/needs PostgreSQL/);
  });

  it.skipIf(skip !== undefined)('runs 2 workers on one port against PostgreSQL, both answering', async () => {
    assertBuilt();
    const own = await createTestDatabase('workers');
    const server = await serve(['--workers', '2', '--port', '0', '--data-dir', tempDir(), '--database-url', own.url]);
    try {
      expect(server.url, server.stderr).toBeDefined();
      expect(server.stderr).toMatch(/2 server processes/);
      const health = await fetch(`${server.url}/api/v1/health`);
      expect(health.status).toBe(200);
      // The primary hands connections to its workers round robin: a burst of fresh connections
      // must cost both workers CPU (idle, a worker spends next to none).
      const before = treeTicks(server.pid);
      expect(before.size, 'worker processes').toBe(2);
      const answers = await Promise.all(
        Array.from({ length: 300 }, async () => {
          const response = await fetch(`${server.url}/api/v1/health`, { headers: { connection: 'close' } });
          return response.status;
        }),
      );
      expect(answers.every((s) => s === 200)).toBe(true);
      const after = treeTicks(server.pid);
      for (const [pid, stat] of before) {
        expect(after.get(pid)!.ticks - stat.ticks, `CPU ticks of worker ${pid}`).toBeGreaterThanOrEqual(2);
      }
    } finally {
      server.stop();
      await sleep(300);
      await own.drop();
    }
  });
});
