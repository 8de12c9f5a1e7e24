// The credit ledger end to end: the HTTP routes on a real SQLite ledger, and
// `sparecycles ledger verify` against a data dir and against a running server.
//
// The CLI cases run the built command (dist/node, from `npm run build`) and are skipped until
// `registerLedger(program)` is wired into src/cli/main.ts. The server runs in this process, so
// the CLI is spawned asynchronously.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import Fastify, { type FastifyInstance } from 'fastify';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { API_PREFIX } from '../../src/protocol/api.js';
import { installErrorHandling } from '../../src/server/api-error.js';
import { hashSecret } from '../../src/server/auth.js';
import { GENESIS_HASH, loadOrCreateServerKey, sealEntry, type LedgerEntry } from '../../src/server/ledger.js';
import { DB_FILE } from '../../src/server/paths.js';
import { ledgerRoutes, type LedgerReader } from '../../src/server/routes/ledger.js';
import type { Store } from '../../src/server/store/store.js';
import { cli } from '../helpers/cli.js';

// More than one 10000-entry page, so the CLI's page boundary is crossed.
const ENTRIES = 10_050;
const VOLUNTEER_SECRET = 'scv_ledger-test';
// Commander answers --help for an unknown command with the top-level help and exit 0, so look
// for the subcommand's own usage line.
const help = await cli(['ledger', '--help']);
const registered = help.status === 0 && help.stdout.includes('Usage: sparecycles ledger');

const dataDir = mkdtempSync(join(tmpdir(), 'sc-ledger-verify-'));
const key = loadOrCreateServerKey(dataDir);
const db = new Database(join(dataDir, DB_FILE));
let app: FastifyInstance;
let server = '';
let head = '';
let dirty = true;

const SELECT = `SELECT seq, kind, volunteer, unit, lease, amount, at, prev_hash AS prevHash, hash, signature
                FROM credit_ledger`;
const reader: LedgerReader = {
  entries: async (after, limit) =>
    db.prepare(`${SELECT} WHERE seq > ? ORDER BY seq LIMIT ?`).all(after, limit) as LedgerEntry[],
  receipts: async (volunteer, after, limit) =>
    db
      .prepare(`${SELECT} WHERE volunteer = ? AND seq > ? ORDER BY seq LIMIT ?`)
      .all(volunteer, after, limit) as LedgerEntry[],
  // This ledger is the per-entry-signed kind from before schema 5: no tree, no heads.
  receiptProofs: async () => ({ head: undefined, proofs: new Map() }),
  heads: async () => [],
  nodes: async () => new Map(),
  publicKey: () => ({ pem: key.publicKeyPem, raw: key.publicKeyRaw }),
};

// The receipts route only asks the store who a volunteer secret belongs to.
const store = {
  findVolunteer: async (secretHash: string) =>
    secretHash === hashSecret(VOLUNTEER_SECRET) ? { id: 'v_1', name: 'quiet-otter-1', site: null } : undefined,
} as unknown as Store;

function fillLedger(): void {
  db.exec(`DROP TABLE IF EXISTS credit_ledger;
    CREATE TABLE IF NOT EXISTS credit_ledger (seq INTEGER PRIMARY KEY, kind TEXT NOT NULL, volunteer TEXT NOT NULL,
      unit TEXT NOT NULL, lease TEXT NOT NULL, amount REAL NOT NULL, at INTEGER NOT NULL, prev_hash TEXT NOT NULL,
      hash TEXT NOT NULL, signature TEXT NOT NULL)`);
  const insert = db.prepare(`INSERT INTO credit_ledger (seq, kind, volunteer, unit, lease, amount, at, prev_hash,
    hash, signature) VALUES (@seq, @kind, @volunteer, @unit, @lease, @amount, @at, @prevHash, @hash, @signature)`);
  let prev = GENESIS_HASH;
  db.transaction(() => {
    for (let seq = 1; seq <= ENTRIES; seq++) {
      const fields = { seq, kind: 'grant' as const, volunteer: `v_${seq % 4}`, unit: String(seq), lease: `l${seq}` };
      const entry = sealEntry({ ...fields, amount: 2.5, at: 1_760_000_000_000 + seq }, prev, key);
      insert.run(entry);
      prev = entry.hash;
    }
  })();
  head = prev;
}

beforeAll(async () => {
  app = Fastify({ ajv: { customOptions: { removeAdditional: false, coerceTypes: false, allErrors: false } } });
  installErrorHandling(app);
  await app.register(async (api) => ledgerRoutes(api, { store, clock: Date.now, ledger: reader }), {
    prefix: API_PREFIX,
  });
  server = await app.listen({ port: 0, host: '127.0.0.1' });
});

afterAll(async () => {
  await app?.close();
  db.close();
  rmSync(dataDir, { recursive: true, force: true });
});

beforeEach(() => {
  if (!dirty) return;
  fillLedger();
  dirty = false;
});

function tamper(sql: string): void {
  dirty = true;
  db.prepare(sql).run();
}

describe('ledger routes', () => {
  it('publishes the public key', async () => {
    const response = await app.inject({ url: `${API_PREFIX}/ledger/key` });
    expect(response.json()).toEqual({ algorithm: 'Ed25519', publicKey: key.publicKeyRaw, pem: key.publicKeyPem });
  });

  it('pages through the whole ledger', async () => {
    const first = (await app.inject({ url: `${API_PREFIX}/ledger` })).json();
    expect(first.entries).toHaveLength(1000);
    expect(first.entries[0]).toMatchObject({ seq: 1, prevHash: GENESIS_HASH });
    expect(first.next).toBe(1000);
    const last = (await app.inject({ url: `${API_PREFIX}/ledger?after=10000&limit=10000` })).json();
    expect(last.entries).toHaveLength(50);
    expect(last.entries[49].hash).toBe(head);
    expect(last.next).toBeNull();
  });

  it.each(['after=-1', 'after=1.5', 'limit=abc', 'limit=0', 'limit=10001', 'page=2'])(
    'refuses ?%s with SC_BAD_REQUEST',
    async (query) => {
      const response = await app.inject({ url: `${API_PREFIX}/ledger?${query}` });
      expect(response.statusCode).toBe(400);
      expect(response.json().error.code).toBe('SC_BAD_REQUEST');
    },
  );

  it('gives a volunteer its own receipts, and only with its secret', async () => {
    const url = `${API_PREFIX}/volunteers/me/receipts?limit=100`;
    const missing = await app.inject({ url });
    expect(missing.json().error.code).toBe('SC_VOLUNTEER_MISSING');
    const wrong = await app.inject({ url, headers: { authorization: 'Bearer scv_nope' } });
    expect(wrong.json().error.code).toBe('SC_VOLUNTEER_INVALID');
    const body = (await app.inject({ url, headers: { authorization: `Bearer ${VOLUNTEER_SECRET}` } })).json();
    expect(body).toMatchObject({ volunteer: 'v_1', publicKey: key.publicKeyRaw, next: 397 });
    expect(body.entries).toHaveLength(100);
    expect(body.entries.every((e: LedgerEntry) => e.volunteer === 'v_1')).toBe(true);
  });
});

describe.skipIf(!registered)('sparecycles ledger verify', () => {
  for (const mode of ['data-dir', 'server'] as const) {
    const source = () => (mode === 'data-dir' ? ['--data-dir', dataDir] : ['--server', server]);

    it(`accepts a good ledger (--${mode})`, async () => {
      const json = await cli(['ledger', 'verify', ...source(), '--json']);
      expect(json.stderr).toBe('');
      expect(json.status).toBe(0);
      expect(JSON.parse(json.stdout)).toEqual({ ok: true, entries: ENTRIES, head });
      if (mode === 'server') return;
      const text = await cli(['ledger', 'verify', ...source()]);
      expect(text.status).toBe(0);
      expect(text.stdout).toBe(`ledger ok: ${ENTRIES} entries, head ${head}\n`);
    });

    it(`names entry 17 when its amount was changed (--${mode})`, async () => {
      tamper('UPDATE credit_ledger SET amount = amount + 100 WHERE seq = 17');
      const result = await cli(['ledger', 'verify', ...source(), '--json']);
      expect(result.status).toBe(1);
      expect(result.stderr).toBe('sparecycles: ledger broken at entry 17: hash does not match its fields\n');
      expect(JSON.parse(result.stdout)).toEqual({
        ok: false,
        entries: 16,
        first: { seq: 17, reason: 'hash does not match its fields' },
      });
    });
  }

  // 10001 is the first entry of the CLI's second page, in both modes.
  it.each([
    [2000, 'seq 2001 follows 1999', ['data-dir']],
    [10001, 'seq 10002 follows 10000', ['data-dir', 'server']],
  ])('names the entry after deleted entry %i', async (seq, reason, modes) => {
    tamper(`DELETE FROM credit_ledger WHERE seq = ${seq}`);
    for (const mode of modes) {
      const result = await cli([
        'ledger',
        'verify',
        mode === 'server' ? '--server' : '--data-dir',
        mode === 'server' ? server : dataDir,
      ]);
      expect(result.status).toBe(1);
      expect(result.stderr).toBe(`sparecycles: ledger broken at entry ${seq + 1}: ${reason}\n`);
    }
  });

  it('says so when there is no ledger to read, or two sources', async () => {
    const empty = mkdtempSync(join(tmpdir(), 'sc-ledger-empty-'));
    const result = await cli(['ledger', 'verify', '--data-dir', empty]);
    rmSync(empty, { recursive: true, force: true });
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(/^sparecycles: no database at .*\n$/);
    const both = await cli(['ledger', 'verify', '--data-dir', dataDir, '--server', server]);
    expect(both.status).toBe(1);
    expect(both.stderr).toBe('sparecycles: pass either --data-dir or --server, not both\n');
  });
});
