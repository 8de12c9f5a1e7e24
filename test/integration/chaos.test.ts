// Chaos: the server is killed with SIGKILL at random moments, again and again, while a swarm of
// simulated volunteers works through a batch, and restarted on the same port and data dir each
// time. The volunteers treat the server like a real client would: on a network error or a 5xx
// they wait and resend the same results. Afterwards every unit must be validated with the right
// answer, every acknowledged result must be in the database, the store must be consistent, the
// ledger chain must verify, and credit must equal validated work.
//
// Runs the built command (dist/node, from `npm run build`) as the server child process.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import type { Lease, SubmitAck } from '../../src/protocol/api.js';
import { loadOrCreateServerKey } from '../../src/server/ledger.js';
import { DB_FILE } from '../../src/server/paths.js';
import { SqliteStore } from '../../src/server/store/sqlite-store.js';
import { assertBuilt, cli, cliJson, CLI } from '../helpers/cli.js';
import { honest, SimVolunteer, vanishing, type Behaviour } from '../helpers/sim-volunteer.js';

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
let port = 0;
let url = '';
let server: ChildProcess | undefined;
/** A server process not yet listening. */
let starting: ChildProcess | undefined;
let serverExit: Promise<void> = Promise.resolve();
let killing = false;
/** The server's stderr tail, for diagnostics. */
let serverLog = '';
const unexpectedExits: string[] = [];
let stopVolunteers = false;
let hardStop = false;

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
const between = ([lo, hi]: [number, number]) => lo + Math.random() * (hi - lo);
const pause = () => sleep(between([100, 300]));

async function freePort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as AddressInfo;
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  return port;
}

/** Starts `sparecycles serve` and waits until it listens; retries a start that dies early. */
async function startServer(): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    if (hardStop) throw new Error('the test is over: not starting the server again');
    const child = spawn(process.execPath, [CLI, 'serve', '--port', String(port), '--data-dir', dataDir, '--quiet'], {
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    starting = child;
    let stderr = '';
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    const listening = await new Promise<boolean>((resolve) => {
      const timer = setTimeout(() => resolve(false), 20_000);
      child.stderr!.on('data', (d: Buffer) => {
        stderr += d.toString();
        serverLog = (serverLog + d.toString()).slice(-4000);
        if (stderr.includes('Spare Cycles is serving')) {
          clearTimeout(timer);
          resolve(true);
        }
      });
      child.once('exit', () => {
        clearTimeout(timer);
        resolve(false);
      });
    });
    starting = undefined;
    if (listening && !hardStop) {
      server = child;
      serverExit = exited;
      child.once('exit', (code, signal) => {
        if (!killing) unexpectedExits.push(`server exited by itself (${code ?? signal}): ${serverLog.slice(-500)}`);
      });
      return;
    }
    child.kill('SIGKILL');
    await exited;
    if (attempt >= 5) throw new Error(`the server did not start on port ${port}: ${stderr}`);
    await sleep(200);
  }
}

async function killServer(): Promise<void> {
  if (!server || server.exitCode !== null || server.signalCode !== null) return;
  killing = true;
  server.kill('SIGKILL');
  await serverExit;
  killing = false;
  server = undefined;
}

afterAll(async () => {
  stopVolunteers = true;
  hardStop = true;
  await killServer();
  rmSync(dataDir, { recursive: true, force: true });
});
// If the worker dies without running afterAll, do not leave the server behind.
process.once('exit', () => {
  server?.kill('SIGKILL');
  starting?.kill('SIGKILL');
});

async function publisher<T>(token: string, method: string, path: string, body?: unknown, wasm = false): Promise<T> {
  const headers: Record<string, string> = { authorization: `Bearer ${token}` };
  if (body !== undefined) headers['content-type'] = wasm ? 'application/wasm' : 'application/json';
  const response = await fetch(`${url}/api/v1${path}`, {
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

/** An acknowledged result as the volunteer sent it. */
interface Acked {
  volunteer: string;
  outcome: SubmitAck['outcome'];
  output: Buffer;
}

/** What went wrong while the swarm ran (anything here fails the test). */
const problems: string[] = [];
const serverErrors: string[] = [];
const acked = new Map<string, Acked>();
/** Set by the chaos monkey to hear when a volunteer sends results. */
let submissionStarted: (() => void) | undefined;
/** A moving average of how long a successful submission takes, in ms. */
let submitMs = 10;
const stats = {
  leased: 0,
  submissions: 0,
  resends: 0,
  replays: 0,
  /** Results whose first send was committed but never answered (a kill in between). */
  committedUnanswered: 0,
  accepted: 0,
  duplicate: 0,
  late: 0,
  rejected: 0,
};

/** Network error (server down) or 5xx: retry. Anything else is a bug in the server or the test. */
function retryable(err: unknown, what: string): boolean {
  const message = err instanceof Error ? err.message : String(err);
  const status = /^\w+ \S+: (\d{3}) /.exec(message)?.[1];
  if (status === undefined) return true; // fetch failed: connection refused or reset
  if (Number(status) >= 500) {
    serverErrors.push(`${what}: ${message.slice(0, 300)}`);
    return true;
  }
  problems.push(`${what}: ${message.slice(0, 300)}`);
  return false;
}

/** A behaviour that decides each lease once, so a resend carries exactly the same result. */
function remembering(inner: Behaviour): { behaviour: Behaviour; sent: Map<string, Buffer | null> } {
  const sent = new Map<string, Buffer | null>();
  const behaviour: Behaviour = (input, lease) => {
    if (!sent.has(lease.lease)) sent.set(lease.lease, inner(input, lease));
    return sent.get(lease.lease)!;
  };
  return { behaviour, sent };
}

async function volunteerLoop(inner: Behaviour): Promise<void> {
  const { behaviour, sent } = remembering(inner);
  const volunteer = new SimVolunteer(url, behaviour);
  for (;;) {
    if (hardStop) return;
    try {
      await volunteer.register();
      break;
    } catch (err) {
      if (!retryable(err, 'POST /volunteers')) return;
      await pause();
    }
  }
  while (!stopVolunteers && !hardStop) {
    let leases: Lease[];
    try {
      leases = await volunteer.lease(LEASE_MAX);
    } catch (err) {
      if (!retryable(err, 'POST /lease')) return;
      await pause();
      continue;
    }
    if (leases.length === 0) {
      await pause();
      continue;
    }
    stats.leased += leases.length;
    await sleep(leases.length * between(COMPUTE_MS));
    if (!(await submit(volunteer, leases, sent, false))) return;
    // Now and then act as if the response had been lost: send the same results again, maybe
    // across a kill. The server must answer `duplicate` for every one.
    if (Math.random() < REPLAY_SHARE) {
      await sleep(between(REPLAY_AFTER_MS));
      if (!(await submit(volunteer, leases, sent, true))) return;
    }
  }
}

/** Sends the results for `leases` until the server acknowledges them; false on a non-retryable error. */
async function submit(
  volunteer: SimVolunteer,
  leases: Lease[],
  sent: Map<string, Buffer | null>,
  replay: boolean,
): Promise<boolean> {
  for (let attempt = 0; !hardStop; attempt++) {
    if (attempt > 0) stats.resends++;
    if (replay) stats.replays++;
    stats.submissions++;
    let acks: SubmitAck[];
    submissionStarted?.();
    const sentAt = performance.now();
    try {
      acks = await volunteer.work(leases);
      submitMs = 0.8 * submitMs + 0.2 * (performance.now() - sentAt);
    } catch (err) {
      if (!retryable(err, 'POST /results')) return false;
      await pause();
      continue;
    }
    for (const ack of acks) {
      stats[ack.outcome]++;
      if (ack.outcome === 'rejected') {
        problems.push(`lease ${ack.lease} rejected on attempt ${attempt + 1}: ${ack.code} ${ack.message}`);
        continue;
      }
      if (!replay && attempt > 0 && ack.outcome === 'duplicate') stats.committedUnanswered++;
      if (replay && ack.outcome !== 'duplicate')
        problems.push(`lease ${ack.lease}: an acknowledged result sent again came back ${ack.outcome}`);
      const output = sent.get(ack.lease);
      if (!output) {
        problems.push(`an ack for lease ${ack.lease}, which was not sent`);
        continue;
      }
      const before = acked.get(ack.lease);
      if (before && !before.output.equals(output)) problems.push(`lease ${ack.lease} acked with two outputs`);
      if (!before || before.outcome === 'duplicate')
        acked.set(ack.lease, { volunteer: volunteer.id, outcome: ack.outcome, output });
    }
    return true;
  }
  return true;
}

describe('chaos: SIGKILL the server again and again while volunteers work', () => {
  it('loses no acknowledged result, validates every unit right, and keeps credit equal to validated work', async () => {
    assertBuilt();
    const started = Date.now();
    port = await freePort();
    url = `http://127.0.0.1:${port}`;
    await startServer();

    const { token } = await cliJson<{ token: string }>(['token', 'create', '--data-dir', dataDir]);
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

    const swarm = [
      ...Array.from({ length: HONEST }, () => volunteerLoop(honest)),
      ...Array.from({ length: VANISHING }, () => volunteerLoop(vanishing(0.1))),
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
          retryable(err, 'GET /batches/:id');
        }
        if (!done) await sleep(Math.min(200, Math.max(0, until - Date.now())));
      }
      if (done) break;
      if (kills >= MAX_KILLS) continue;
      // Every other kill lands while a submission is on its way, so some are committed without
      // their response ever arriving (the resend must then come back as a duplicate).
      if (kills % 2 === 1) {
        await Promise.race([new Promise<void>((resolve) => (submissionStarted = resolve)), sleep(500)]);
        submissionStarted = undefined;
        await sleep(Math.random() * 1.5 * submitMs);
      }
      const down = performance.now();
      await killServer();
      kills++;
      await startServer();
      downMs += performance.now() - down;
    }
    const workMs = Date.now() - started;
    expect(done, `the batch did not finish in ${GIVE_UP_MS} ms: ${JSON.stringify(lastStatus)}`).toBe(true);

    // The server is up: let every volunteer finish the submission it is on.
    stopVolunteers = true;
    await Promise.all(swarm);

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
    await killServer();

    const store = new SqliteStore(join(dataDir, DB_FILE), { key: loadOrCreateServerKey(dataDir) });
    const audit = await store.audit();
    await store.close();

    const db = new Database(join(dataDir, DB_FILE), { readonly: true });
    let leaseRows: number;
    let returnedRows: number;
    let valid: number;
    let net: number;
    let lost: string[];
    let wrongCanonical: number;
    let volunteerMismatch: { id: string; credit: number; valid: number }[];
    try {
      const byId = db.prepare('SELECT volunteer, state, output FROM leases WHERE id = ?');
      lost = [];
      for (const [lease, ack] of acked) {
        const row = byId.get(lease) as { volunteer: string; state: string; output: Buffer | null } | undefined;
        const kept =
          row?.volunteer === ack.volunteer && row.state === 'returned' && row.output?.equals(ack.output) === true;
        if (!kept)
          lost.push(`${lease} (${ack.outcome}): ${row ? `${row.state}, output ${row.output?.toString()}` : 'missing'}`);
      }
      const count = (sql: string, ...args: unknown[]) => (db.prepare(sql).get(...args) as { n: number }).n;
      leaseRows = count('SELECT COUNT(*) AS n FROM leases l JOIN units u ON u.id = l.unit WHERE u.batch = ?', batch);
      returnedRows = count(
        `SELECT COUNT(*) AS n FROM leases l JOIN units u ON u.id = l.unit WHERE u.batch = ? AND l.state = 'returned'`,
        batch,
      );
      wrongCanonical = count(
        `SELECT COUNT(*) AS n FROM units u LEFT JOIN leases l ON l.id = u.canonical
           WHERE u.batch = ? AND (u.state != 'done' OR l.output IS NULL OR l.output != u.input)`,
        batch,
      );
      valid = count(`SELECT COUNT(*) AS n FROM leases WHERE outcome = 'valid'`);
      net = (
        db
          .prepare(
            `SELECT COALESCE(SUM(CASE kind WHEN 'grant' THEN amount ELSE -amount END), 0) AS n FROM credit_ledger`,
          )
          .get() as { n: number }
      ).n;
      volunteerMismatch = db
        .prepare(
          `SELECT v.id, v.credit, (SELECT COUNT(*) FROM leases l WHERE l.volunteer = v.id AND l.outcome = 'valid') AS valid
             FROM volunteers v WHERE v.credit != ? * (SELECT COUNT(*) FROM leases l WHERE l.volunteer = v.id AND l.outcome = 'valid')`,
        )
        .all(CREDIT) as { id: string; credit: number; valid: number }[];
    } finally {
      db.close();
    }

    const verify = await cli(['ledger', 'verify', '--data-dir', dataDir, '--json']);
    const seconds = ((Date.now() - started) / 1000).toFixed(1);
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
    expect(unexpectedExits).toEqual([]);
    expect(kills).toBeGreaterThanOrEqual(MIN_KILLS);
    expect(acked.size).toBeGreaterThanOrEqual(units * QUORUM);
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
