// Chaos: the server is killed with SIGKILL at random moments, again and again, while a swarm of
// simulated volunteers works through a batch, and restarted on the same port and data dir each
// time. The volunteers treat the server like a real client would: on a network error or a 5xx
// they wait and resend the same results. Afterwards every unit must be validated with the right
// answer, every acknowledged result must be in the database, the store must be consistent, the
// ledger chain must verify, and credit must equal validated work.
//
// Runs the built command (dist/node, from `npm run build`) as the server child process.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openStore } from '../../src/server/store/open-store.js';
import { suiteDatabase } from '../helpers/backends.js';
import { assertBuilt, cli, cliJson } from '../helpers/cli.js';
import { honest, vanishing } from '../helpers/sim-volunteer.js';
import { inspectDatabase } from './chaos/database-checks.js';
import { ServerProcess } from './chaos/server-process.js';
import { Swarm } from './chaos/swarm.js';
import { between, sleep } from './chaos/timing.js';

const UNITS = 1500;
const QUORUM = 2;
const CREDIT = 2; // an integer, so sums of credit are exact
const DEADLINE_SECONDS = 3;
const HONEST = 10;
const VANISHING = 2;
const LEASE_MAX = 16;
// Simulated compute time per unit: it caps the swarm at about 12 × 1000 / 90 ≈ 130 units/s, so the
// batch outlasts at least 10 kill cycles however fast the machine is.
const COMPUTE_MS: [number, number] = [70, 110];
const UPTIME_MS: [number, number] = [500, 2000];
const MIN_KILLS = 10;
// A restart costs about a second here, several on a loaded machine: stop killing after this
// many, so the test stays well under a minute and a half even then.
const MAX_KILLS = 12;
/** Share of acknowledged submissions sent again, as a client that lost the response would. */
const REPLAY_SHARE = 0.1;
const REPLAY_AFTER_MS: [number, number] = [0, 1500];
const GIVE_UP_MS = 150_000;

const dataDir = mkdtempSync(join(tmpdir(), 'sc-chaos-'));
// SQLite in the data dir, or (SC_TEST_STORE=postgres) a PostgreSQL database of this test's own.
const database = await suiteDatabase('chaos');
const server = new ServerProcess(dataDir, database.databaseUrl ? ['--database-url', database.databaseUrl] : []);
const swarm = new Swarm(server, {
  leaseMax: LEASE_MAX,
  computeMs: COMPUTE_MS,
  replayShare: REPLAY_SHARE,
  replayAfterMs: REPLAY_AFTER_MS,
});

afterAll(async () => {
  swarm.halt();
  await server.stop();
  await database.drop();
  rmSync(dataDir, { recursive: true, force: true });
});

async function publisher<T>(token: string, method: string, path: string, body?: unknown, wasm = false): Promise<T> {
  const headers: Record<string, string> = { authorization: `Bearer ${token}` };
  if (body !== undefined) headers['content-type'] = wasm ? 'application/wasm' : 'application/json';
  const response = await fetch(`${server.url}/api/v1${path}`, {
    method,
    headers,
    body: body === undefined ? undefined : wasm ? new Uint8Array(body as Buffer) : JSON.stringify(body),
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${text}`);
  return (path.endsWith('/results') ? text : JSON.parse(text)) as T;
}

interface BatchStatusBody {
  total: number;
  counts: { unsent: number; inFlight: number; validating: number; done: number; error: number };
  done: boolean;
}

describe('chaos: SIGKILL the server again and again while volunteers work', () => {
  it('loses no acknowledged result, validates every unit right, and keeps credit equal to validated work', async () => {
    assertBuilt();
    const started = Date.now();
    await server.start();

    const { token } = await cliJson<{ token: string }>(['token', 'create', ...database.storeFlags(dataDir)]);
    const project = await publisher<{ id: string }>(token, 'POST', '/projects', { name: 'Chaos' });
    const kernel = await publisher<{ hash: string }>(
      token,
      'POST',
      '/kernels',
      readFileSync('dist/test-kernels/echo.wasm'),
      true,
    );
    const inputs = Array.from({ length: UNITS }, (_, i) => ({ i }));
    const { batch, units } = await publisher<{ batch: string; units: number }>(
      token,
      'POST',
      `/projects/${project.id}/batches`,
      {
        kernel: kernel.hash,
        inputs,
        quorum: QUORUM,
        deadlineSeconds: DEADLINE_SECONDS,
        credit: CREDIT,
        // No volunteer is trusted alone: every unit is validated by two agreeing results, so
        // twice the results cross the kills.
        replication: 'full',
      },
    );
    expect(units).toBe(UNITS);

    const working = [
      ...Array.from({ length: HONEST }, () => swarm.volunteer(honest)),
      ...Array.from({ length: VANISHING }, () => swarm.volunteer(vanishing(0.1))),
    ];

    // The chaos monkey: keep the server up for 0.5–2 s (polling the batch meanwhile), then
    // SIGKILL it and start it again on the same port and data dir, until the batch is done (or
    // MAX_KILLS is reached: then it only polls).
    let kills = 0;
    let downMs = 0;
    let done = false;
    let lastStatus: BatchStatusBody | undefined;
    while (!done) {
      if (Date.now() - started > GIVE_UP_MS) break;
      const until = Date.now() + between(UPTIME_MS);
      while (!done && Date.now() < until) {
        try {
          lastStatus = await publisher<BatchStatusBody>(token, 'GET', `/batches/${batch}`);
          done = lastStatus.done;
        } catch (err) {
          swarm.retryable(err, 'GET /batches/:id');
        }
        if (!done) await sleep(Math.min(200, Math.max(0, until - Date.now())));
      }
      if (done) break;
      if (kills >= MAX_KILLS) continue;
      // Every other kill lands while a submission is on its way, so some are committed without
      // their response ever arriving (the resend must then come back as a duplicate).
      if (kills % 2 === 1) {
        await Promise.race([new Promise<void>((resolve) => (swarm.submissionStarted = resolve)), sleep(500)]);
        swarm.submissionStarted = undefined;
        await sleep(Math.random() * 1.5 * swarm.submitMs);
      }
      const down = performance.now();
      await server.kill();
      kills++;
      await server.start();
      downMs += performance.now() - down;
    }
    const workMs = Date.now() - started;
    expect(done, `the batch did not finish in ${GIVE_UP_MS} ms: ${JSON.stringify(lastStatus)}`).toBe(true);

    // The server is up: let every volunteer finish the submission it is on.
    swarm.finish();
    await Promise.all(working);

    const status = await publisher<BatchStatusBody>(token, 'GET', `/batches/${batch}`);
    expect(status.counts.done).toBe(units);
    expect(status.counts.error).toBe(0);
    const lines = (await publisher<string>(token, 'GET', `/batches/${batch}/results`))
      .split('\n')
      .filter((l) => l.trim())
      .map((l) => JSON.parse(l) as { index: number; input: unknown; output: unknown; outputEncoding?: string });
    expect(lines.length).toBe(units);
    expect(lines.map((l) => l.index)).toEqual(inputs.map((_, i) => i));
    const wrong = lines.filter(
      (l) => l.outputEncoding !== undefined || JSON.stringify(l.output) !== JSON.stringify(l.input),
    );
    expect(wrong.slice(0, 5), `${wrong.length} units with a wrong canonical result`).toEqual([]);

    // The last kill: the database is opened after a crash, as a restart would.
    await server.kill();

    const store = await openStore({ dataDir, databaseUrl: database.databaseUrl });
    const audit = await store.audit();
    const { lost, leaseRows, returnedRows, wrongCanonical, valid, net, volunteerMismatch } = await inspectDatabase(
      store.sql,
      batch,
      swarm.acked,
      CREDIT,
    );
    await store.close();

    const verify = await cli(['ledger', 'verify', ...database.storeFlags(dataDir), '--json']);
    const seconds = ((Date.now() - started) / 1000).toFixed(1);
    const { stats, problems, serverErrors } = swarm;
    console.log(
      `chaos: ${kills} kills in ${(workMs / 1000).toFixed(1)} s of work (down ${(downMs / 1000).toFixed(1)} s), ` +
        `${seconds} s in all; ` +
        `${(leaseRows / units).toFixed(2)} leases and ${(returnedRows / units).toFixed(2)} results per unit; ` +
        `${stats.submissions} submissions (${stats.resends} resends, ${stats.replays} replays of acknowledged ones): ${stats.accepted} accepted, ` +
        `${stats.duplicate} duplicate, ${stats.late} late, ${stats.rejected} rejected; ` +
        `${stats.committedUnanswered} results committed but unanswered before a kill; ${serverErrors.length} 5xx`,
    );

    expect(problems.slice(0, 10), `${problems.length} problems`).toEqual([]);
    expect(serverErrors.slice(0, 10), `${serverErrors.length} 5xx answers`).toEqual([]);
    expect(server.unexpectedExits).toEqual([]);
    expect(kills).toBeGreaterThanOrEqual(MIN_KILLS);
    expect(swarm.acked.size).toBeGreaterThanOrEqual(units * QUORUM);
    expect(lost.slice(0, 10), `${lost.length} acknowledged results lost`).toEqual([]);
    expect(wrongCanonical).toBe(0);
    expect(audit.inconsistentUnits).toBe(0);
    expect(audit.creditMismatches).toBe(0);
    expect(audit.validLeases).toBe(valid);
    // Full replication and honest outputs: exactly a quorum of valid results per unit.
    expect(valid).toBe(units * QUORUM);
    expect(net).toBe(valid * CREDIT);
    expect(volunteerMismatch).toEqual([]);
    expect(verify.status, verify.stderr).toBe(0);
    const verified = JSON.parse(verify.stdout) as { ok: boolean; entries: number; head: string };
    expect(verified.ok).toBe(true);
    expect(verified.entries).toBe(audit.ledgerEntries);
  }, 180_000);
});
