// Upgrading a per-entry-signed ledger (schema 3) to signed tree heads (schema 5): a real server
// start migrates it and builds the tree over every existing entry; receipts exported before the
// upgrade still verify after it, old entries keep their signatures, and each now also has an
// inclusion proof to a signed head. Runs the built server (npm run build).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, expect, it } from 'vitest';
import { GENESIS_HASH, loadOrCreateServerKey, sealEntry, verifyReceipt } from '../../src/server/ledger.js';
import { verifyInclusion } from '../../src/server/merkle.js';
import { DB_FILE } from '../../src/server/paths.js';
import { SqliteStore } from '../../src/server/store/sqlite/sqlite-store.js';
import { SQLITE_MIGRATIONS } from '../../src/server/store/sqlite/schema.js';
import { entryLeafHash, treeHeadProblem } from '../../src/server/tree-head.js';
import { assertBuilt, cli } from '../helpers/cli.js';
import { startServerProcess } from '../helpers/server-process.js';

assertBuilt();
const dataDir = mkdtempSync(join(tmpdir(), 'sc-ledger-upgrade-'));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

it('keeps receipts exported before the upgrade verifiable, and proves every old entry to a signed head', async () => {
  const key = loadOrCreateServerKey(dataDir);
  // The data dir as a schema-3 server left it: 37 entries, each signed on its own.
  const old = new Database(join(dataDir, DB_FILE));
  for (const migration of SQLITE_MIGRATIONS.filter((m) => m.version <= 3)) old.exec(migration.sql);
  old.pragma('user_version = 3');
  const insert = old.prepare(`INSERT INTO credit_ledger (seq, kind, volunteer, unit, lease, amount, at, prev_hash,
    hash, signature) VALUES (@seq, @kind, @volunteer, @unit, @lease, @amount, @at, @prevHash, @hash, @signature)`);
  let prev = GENESIS_HASH;
  for (let seq = 1; seq <= 37; seq++) {
    const entry = sealEntry(
      {
        seq,
        kind: 'grant',
        volunteer: `v_${seq % 3}`,
        unit: String(seq),
        lease: `l${seq}`,
        amount: 1.5,
        at: 1000 + seq,
      },
      prev,
      key,
    );
    insert.run(entry);
    prev = entry.hash;
  }
  const exported = old
    .prepare(
      `SELECT seq, kind, volunteer, unit, lease, amount, at, prev_hash AS prevHash, hash,
    signature FROM credit_ledger WHERE volunteer = 'v_1' ORDER BY seq`,
    )
    .all() as Parameters<typeof verifyReceipt>[0][];
  old.close();
  expect(exported.every((entry) => verifyReceipt(entry, key.publicKeyRaw))).toBe(true);

  // The upgrade: a server of this version starts on the data dir and stops.
  const server = await startServerProcess(dataDir);
  server.child.kill('SIGKILL');
  await new Promise((resolve) => server.child.once('exit', resolve));

  const verified = await cli(['ledger', 'verify', '--data-dir', dataDir]);
  expect(verified.stderr).toBe('');
  expect(verified.stdout).toMatch(/^ledger ok: 37 entries, head [0-9a-f]{64}; 1 signed tree heads, newest size 37 /);

  const store = new SqliteStore(join(dataDir, DB_FILE), { key });
  try {
    const receipts = await store.receipts('v_1', 0, 100);
    expect(receipts).toEqual(exported); // the same entries, signatures kept
    expect(exported.every((entry) => verifyReceipt(entry, key.publicKeyRaw))).toBe(true);
    const { head, proofs } = await store.receiptProofs(receipts);
    expect(treeHeadProblem(head!, key.publicKeyRaw)).toBeUndefined();
    for (const entry of exported) {
      const proof = proofs.get(entry.seq)!;
      const path = proof.path.map((h) => Buffer.from(h, 'hex'));
      expect(
        verifyInclusion(proof.leafIndex, head!.size, entryLeafHash(entry), path, Buffer.from(head!.rootHash, 'hex')),
      ).toBe(true);
    }
  } finally {
    await store.close();
  }
});
