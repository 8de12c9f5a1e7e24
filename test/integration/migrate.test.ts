// `sparecycles migrate` round trip: a SQLite store that has seen a swarm run (wrong answers,
// quiz units, units still in flight) is copied by the built CLI into a fresh PostgreSQL
// database; every row arrives, the ledger verifies with the old key, every batch reads the same,
// and a server on PostgreSQL carries on where SQLite stopped. Then the refusals, and a tampered
// entry caught by `ledger verify --database-url`.
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BatchStatus } from '../../src/protocol/api.js';
import { createPublisherToken } from '../../src/server/auth.js';
import { DB_FILE } from '../../src/server/paths.js';
import { startServer } from '../../src/server/serve.js';
import { COPIED_TABLES } from '../../src/server/store/copy-store.js';
import { PostgresStore } from '../../src/server/store/postgres/pg-store.js';
import { SqliteStore } from '../../src/server/store/sqlite/sqlite-store.js';
import { createTestDatabase, postgresMissing, type TestDatabase } from '../helpers/backends.js';
import { assertBuilt, cli } from '../helpers/cli.js';
import { honest, randomWrong, SimVolunteer, type Behaviour } from '../helpers/sim-volunteer.js';
import { storeSnapshot } from '../helpers/store-snapshot.js';

const missing = postgresMissing();
if (missing) console.log(`skip: migrate round trip: ${missing}`);

const dataDir = mkdtempSync(join(tmpdir(), 'sc-migrate-'));
const pgDataDir = mkdtempSync(join(tmpdir(), 'sc-migrate-pg-'));
const databases: TestDatabase[] = [];
let target: TestDatabase;
let token = '';
let kernel = '';
const batches: Record<string, string> = {};
const before: Record<string, { status: BatchStatus; results: string }> = {};
let ledgerBefore = 0;

async function api(server: string, method: string, path: string, body?: unknown, type = 'application/json') {
  const init: RequestInit = { method, headers: { authorization: `Bearer ${token}`, 'content-type': type } };
  if (body !== undefined) init.body = Buffer.isBuffer(body) ? new Uint8Array(body) : JSON.stringify(body);
  return fetch(`${server}/api/v1${path}`, init);
}

async function publish(server: string, name: string, units: number, quizzes: number, extra: object = {}) {
  const project = ((await (await api(server, 'POST', '/projects', { name })).json()) as { id: string }).id;
  const inputs = Array.from({ length: units }, (_, i) => ({ unit: i, salt: name }));
  const quiz = Array.from({ length: quizzes }, (_, i) => ({ input: { quiz: i }, output: { quiz: i } }));
  const response = await api(server, 'POST', `/projects/${project}/batches`, { kernel, inputs, quiz, ...extra });
  expect(response.status, await response.clone().text()).toBe(201);
  return ((await response.json()) as { batch: string }).batch;
}

async function snapshotOf(server: string, batch: string) {
  const status = (await (await api(server, 'GET', `/batches/${batch}`)).json()) as BatchStatus;
  const results = await (await api(server, 'GET', `/batches/${batch}/results`)).text();
  return { status, results };
}

/** Volunteers work until `batch` is done (or, with `rounds`, for that many lease rounds each). */
async function swarm(server: string, batch: string, crowd: Behaviour[], rounds = Infinity) {
  const sims = crowd.map((behaviour) => new SimVolunteer(server, behaviour));
  await Promise.all(sims.map((sim) => sim.register()));
  const deadline = Date.now() + 120_000;
  await Promise.all(
    sims.map(async (sim) => {
      for (let round = 0; round < rounds && Date.now() < deadline; round++) {
        const leases = await sim.lease(16);
        if (leases.length > 0) await sim.work(leases);
        else if ((await snapshotOf(server, batch)).status.done) return;
        else await new Promise((r) => setTimeout(r, 50));
      }
    }),
  );
}

async function query<T extends pg.QueryResultRow>(url: string, sql: string): Promise<T[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<T>(sql)).rows;
  } finally {
    await client.end();
  }
}

const tablesIn = async (url: string) =>
  (
    await query<{ name: string }>(
      url,
      `SELECT table_name AS name FROM information_schema.tables WHERE table_schema = current_schema()`,
    )
  ).map((r) => r.name);

/** Rows as comparable text, in an order both databases agree on (their collations differ). */
const canonical = (rows: unknown[]) => rows.map((row) => JSON.stringify(row)).sort();

/** One line on stderr, a non-zero exit. */
function expectRefused(result: { status: number | null; stderr: string; stdout: string }, text: RegExp) {
  expect(result.status).not.toBe(0);
  expect(result.stdout).toBe('');
  expect(result.stderr.trimEnd().split('\n')).toHaveLength(1);
  expect(result.stderr).toMatch(text);
}

beforeAll(async () => {
  if (missing) return;
  assertBuilt();
  target = await createTestDatabase('migrate');
  databases.push(target);
  const server = await startServer({ port: 0, dataDir, logger: false });
  try {
    token = await createPublisherToken(server.store, Date.now());
    const wasm = readFileSync('dist/test-kernels/echo.wasm');
    kernel = ((await (await api(server.url, 'POST', '/kernels', wasm, 'application/wasm')).json()) as { hash: string })
      .hash;
    batches.full = await publish(server.url, 'full replication', 200, 20, { replication: 'full', maxResults: 10 });
    batches.adaptive = await publish(server.url, 'adaptive', 150, 10, { maxResults: 10 });
    const crowd = [...Array<Behaviour>(8).fill(honest), randomWrong, randomWrong];
    await swarm(server.url, batches.full, crowd);
    await swarm(server.url, batches.adaptive, crowd);
    // Left partly done: the PostgreSQL server must finish it.
    batches.unfinished = await publish(server.url, 'unfinished', 120, 0);
    await swarm(server.url, batches.unfinished, [honest, honest, honest], 1);
    for (const [name, batch] of Object.entries(batches)) before[name] = await snapshotOf(server.url, batch);
    expect(before.full!.status.done && before.adaptive!.status.done).toBe(true);
    expect(before.unfinished!.status.done).toBe(false);
    ledgerBefore = (await server.store.ledgerEntries(0, 100_000)).length;
    expect(ledgerBefore).toBeGreaterThan(300);
  } finally {
    await server.close();
  }
}, 180_000);

afterAll(async () => {
  for (const database of databases) await database.drop();
  rmSync(dataDir, { recursive: true, force: true });
  rmSync(pgDataDir, { recursive: true, force: true });
});

describe.skipIf(Boolean(missing))('sparecycles migrate from SQLite to PostgreSQL', () => {
  it('copies every row, with the ledger key, and the ledger verifies', async () => {
    const result = await cli(['migrate', '--from', dataDir, '--to', target.url, '--json']);
    expect(result.status, result.stderr).toBe(0);
    const summary = JSON.parse(result.stdout) as { tables: Record<string, number>; ledgerKey: string };
    expect(summary.ledgerKey).toBe('server-key.pem');

    const sqlite = new SqliteStore(join(dataDir, DB_FILE));
    const postgres = await PostgresStore.open(target.url);
    try {
      const [from, to] = [await storeSnapshot(sqlite), await storeSnapshot(postgres)];
      for (const table of COPIED_TABLES) {
        const source = from[table]!;
        const copied =
          table === 'settings' ? to[table]!.filter((r) => (r as { name: string }).name !== 'ledger_key') : to[table]!;
        expect(canonical(copied), table).toEqual(canonical(source));
        expect(summary.tables[table], table).toBe(source.length + (table === 'settings' ? 1 : 0));
      }
      expect(from.units!.length).toBeGreaterThan(400);
      expect(await postgres.setting('ledger_key')).toBe(readFileSync(join(dataDir, 'server-key.pem'), 'utf8'));
      expect(await postgres.audit()).toMatchObject({ inconsistentUnits: 0, creditMismatches: 0 });
    } finally {
      await sqlite.close();
      await postgres.close();
    }

    const verify = await cli(['ledger', 'verify', '--database-url', target.url, '--json']);
    expect(verify.status, verify.stderr).toBe(0);
    expect(JSON.parse(verify.stdout)).toMatchObject({ ok: true, entries: ledgerBefore });
  }, 120_000);

  it('serves the same batches on PostgreSQL and carries on: leases, results, new units, new ledger entries', async () => {
    const server = await startServer({ port: 0, dataDir: pgDataDir, databaseUrl: target.url, logger: false });
    try {
      for (const [name, batch] of Object.entries(batches)) {
        expect(await snapshotOf(server.url, batch), name).toEqual(before[name]);
      }
      // A new batch gets unit ids after the copied ones.
      batches.after = await publish(server.url, 'after the move', 40, 0);
      await swarm(server.url, batches.unfinished, [honest, honest, honest, honest]);
      await swarm(server.url, batches.after, [honest, honest, honest]);
      for (const name of ['unfinished', 'after']) {
        const { status, results } = await snapshotOf(server.url, batches[name]!);
        expect(status.counts, name).toMatchObject({ done: status.total, error: 0 });
        for (const line of results.trim().split('\n')) {
          const { input, output } = JSON.parse(line) as { input: unknown; output: unknown };
          expect(output).toEqual(input);
        }
      }
      expect(await server.store.audit()).toMatchObject({ inconsistentUnits: 0, creditMismatches: 0 });
      // The commands that write into the store directly work on PostgreSQL, while it serves.
      const made = await cli(['token', 'create', '--database-url', target.url, '--json']);
      expect(made.status, made.stderr).toBe(0);
      const other = (JSON.parse(made.stdout) as { token: string }).token;
      const projects = await fetch(`${server.url}/api/v1/me/projects`, {
        headers: { authorization: `Bearer ${other}` },
      });
      expect(projects.status).toBe(200);
      const site = await cli([
        'site',
        'create',
        '--origin',
        'https://example.org',
        '--database-url',
        target.url,
        '--json',
      ]);
      expect(site.status, site.stderr).toBe(0);
      const { key } = JSON.parse(site.stdout) as { key: string };
      expect((await fetch(`${server.url}/api/v1/sites/${key}`)).status).toBe(200);
      const entries = await server.store.ledgerEntries(0, 100_000);
      expect(entries.length).toBeGreaterThan(ledgerBefore);
      expect(entries[ledgerBefore]!.prevHash).toBe(entries[ledgerBefore - 1]!.hash);
    } finally {
      await server.close();
    }
    const verify = await cli(['ledger', 'verify', '--database-url', target.url, '--json']);
    expect(verify.status, verify.stderr).toBe(0);
    expect((JSON.parse(verify.stdout) as { entries: number }).entries).toBeGreaterThan(ledgerBefore);
  }, 180_000);

  it('refuses a non-empty target, a missing or unknown source and a non-PostgreSQL URL, writing nothing', async () => {
    const counts = async () => query<{ n: number }>(target.url, 'SELECT COUNT(*)::int AS n FROM units');
    const unitsBefore = await counts();
    expectRefused(await cli(['migrate', '--from', dataDir, '--to', target.url]), /is not empty/);
    expect(await counts()).toEqual(unitsBefore);

    const fresh = await createTestDatabase('migrateempty');
    databases.push(fresh);
    expectRefused(
      await cli(['migrate', '--from', join(dataDir, 'no-such.db'), '--to', fresh.url]),
      /no SQLite database or data dir at/,
    );
    const emptyDir = mkdtempSync(join(tmpdir(), 'sc-migrate-empty-'));
    try {
      expectRefused(
        await cli(['migrate', '--from', emptyDir, '--to', fresh.url]),
        /no sparecycles\.db in the data dir/,
      );
      const future = join(emptyDir, 'future.db');
      const db = new Database(future);
      db.exec('CREATE TABLE t (x)');
      db.pragma('user_version = 99');
      db.close();
      expectRefused(await cli(['migrate', '--from', future, '--to', fresh.url]), /schema 99, newer than/);
      writeFileSync(join(emptyDir, 'junk.db'), 'not a database at all, just some text');
      expectRefused(await cli(['migrate', '--from', join(emptyDir, 'junk.db'), '--to', fresh.url]), /SQLite/);
    } finally {
      rmSync(emptyDir, { recursive: true, force: true });
    }
    expect(await tablesIn(fresh.url)).toEqual([]);

    // A row PostgreSQL cannot take, late in the copy (leases come after units): all rolled back.
    const broken = mkdtempSync(join(tmpdir(), 'sc-migrate-broken-'));
    try {
      const source = new Database(join(dataDir, DB_FILE), { readonly: true });
      await source.backup(join(broken, DB_FILE));
      source.close();
      copyFileSync(join(dataDir, 'server-key.pem'), join(broken, 'server-key.pem'));
      const db = new Database(join(broken, DB_FILE));
      db.exec(`UPDATE leases SET returned_at = 'soon' WHERE rowid = (SELECT MAX(rowid) FROM leases)`);
      db.close();
      expectRefused(
        await cli(['migrate', '--from', broken, '--to', fresh.url]),
        /copying leases into .* failed, so nothing was written/,
      );
    } finally {
      rmSync(broken, { recursive: true, force: true });
    }
    for (const table of COPIED_TABLES) {
      expect(await query(fresh.url, `SELECT 1 FROM ${table} LIMIT 1`), table).toEqual([]);
    }

    expectRefused(
      await cli(['migrate', '--from', dataDir, '--to', 'mysql://root@localhost/sc']),
      /must be a postgres:\/\/ or postgresql:\/\/ URL/,
    );
    expectRefused(await cli(['migrate', '--from', dataDir]), /--to/);
  }, 120_000);

  it('ledger verify --database-url names a tampered entry', async () => {
    // The ledger refuses updates through its trigger; the test plays an attacker who bypasses it.
    await query(
      target.url,
      `ALTER TABLE credit_ledger DISABLE TRIGGER ALL;
       UPDATE credit_ledger SET amount = amount + 1 WHERE seq = 7;
       ALTER TABLE credit_ledger ENABLE TRIGGER ALL;`,
    );
    const verify = await cli(['ledger', 'verify', '--database-url', target.url]);
    expect(verify.status).toBe(1);
    expect(verify.stderr.trim()).toBe('sparecycles: ledger broken at entry 7: hash does not match its fields');
    const json = await cli(['ledger', 'verify', '--database-url', target.url, '--json']);
    expect(json.status).toBe(1);
    expect(JSON.parse(json.stdout)).toMatchObject({ ok: false, entries: 6, first: { seq: 7 } });

    expectRefused(
      await cli(['ledger', 'verify', '--database-url', target.url, '--data-dir', dataDir]),
      /pass one of --data-dir, --database-url or --server/,
    );
    expectRefused(await cli(['ledger', 'verify', '--database-url', 'sqlite:///tmp/x.db']), /postgres:\/\//);
  }, 60_000);
});
