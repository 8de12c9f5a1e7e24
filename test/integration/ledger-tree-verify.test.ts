// `sparecycles ledger verify` on a ledger of signed tree heads (schema 5), on SQLite (--data-dir)
// and PostgreSQL (--database-url): a tampered leaf, a tampered head, a forked head, a truncated
// ledger and a lost head are each found and named; kill -9 mid-append leaves nothing uncovered,
// and a restart signs a missing head. Runs the built command (npm run build).
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadOrCreateServerKey, type ServerKey } from '../../src/server/ledger.js';
import { leafHash } from '../../src/server/merkle.js';
import { DB_FILE } from '../../src/server/paths.js';
import { LedgerAppender } from '../../src/server/store/ledger-log.js';
import { PostgresStore } from '../../src/server/store/postgres/pg-store.js';
import type { SqlStore } from '../../src/server/store/sql-store.js';
import { SqliteStore } from '../../src/server/store/sqlite/sqlite-store.js';
import { signTreeHead } from '../../src/server/tree-head.js';
import { availableBackends, createTestDatabase, type BackendName } from '../helpers/backends.js';
import { assertBuilt, cli } from '../helpers/cli.js';
import { startServerProcess } from '../helpers/server-process.js';

assertBuilt();

interface Ledger {
  store: SqlStore;
  key: ServerKey;
  source: string[];
  /** Drops the append-only triggers, so a test can do what an attacker with the database could. */
  unguard(): Promise<void>;
  close(): Promise<void>;
}

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup();
});

async function openLedger(backend: BackendName): Promise<Ledger> {
  if (backend === 'sqlite') {
    const dataDir = mkdtempSync(join(tmpdir(), 'sc-ledger-tree-'));
    const key = loadOrCreateServerKey(dataDir);
    const store = new SqliteStore(join(dataDir, DB_FILE), { key });
    const ledger: Ledger = {
      store,
      key,
      source: ['--data-dir', dataDir],
      unguard: async () => {
        await store.sql.run('DROP TRIGGER credit_ledger_no_update');
        await store.sql.run('DROP TRIGGER credit_ledger_no_delete');
      },
      close: async () => {
        await store.close();
        rmSync(dataDir, { recursive: true, force: true });
      },
    };
    cleanups.push(ledger.close);
    return ledger;
  }
  const database = await createTestDatabase('ledgertree');
  const store = await PostgresStore.open(database.url);
  const key = (store as unknown as { key: ServerKey }).key;
  const ledger: Ledger = {
    store,
    key,
    source: ['--database-url', database.url],
    unguard: async () => {
      await store.sql.run('DROP TRIGGER credit_ledger_no_change ON credit_ledger');
    },
    close: async () => {
      await store.close();
      await database.drop();
    },
  };
  cleanups.push(ledger.close);
  return ledger;
}

/** `transactions` appends of 5 entries each, as submitResults makes them: heads at 5, 10, … */
async function fill(ledger: Ledger, transactions: number): Promise<void> {
  for (let n = 0; n < transactions; n++) {
    await ledger.store.sql.transaction(
      async (tx) => {
        const appender = new LedgerAppender(tx, ledger.key);
        for (let i = 0; i < 5; i++)
          await appender.append({
            kind: 'grant',
            volunteer: `v_${i}`,
            unit: String(n),
            lease: `l${n}.${i}`,
            amount: 2,
            at: 1000 + n,
          });
        await appender.seal(1000 + n);
      },
      { lock: 'ledger' },
    );
  }
}

async function verify(ledger: Ledger) {
  return cli(['ledger', 'verify', ...ledger.source]);
}

for (const backend of availableBackends()) {
  describe(`ledger verify over signed tree heads (${backend})`, () => {
    it('accepts a good ledger and reports its heads', async () => {
      const ledger = await openLedger(backend);
      await fill(ledger, 10);
      const result = await verify(ledger);
      expect(result.stderr).toBe('');
      expect(result.status).toBe(0);
      expect(result.stdout).toMatch(
        /^ledger ok: 50 entries, head [0-9a-f]{64}; 10 signed tree heads, newest size 50 root [0-9a-f]{64}\n$/,
      );
    });

    it('names a tampered leaf', async () => {
      const ledger = await openLedger(backend);
      await fill(ledger, 10);
      await ledger.unguard();
      await ledger.store.sql.run('UPDATE credit_ledger SET amount = amount + 100 WHERE seq = 23');
      const result = await verify(ledger);
      expect(result.status).toBe(1);
      expect(result.stderr).toBe('sparecycles: ledger broken at entry 23: hash does not match its fields\n');
    });

    it('names a tampered head', async () => {
      const ledger = await openLedger(backend);
      await fill(ledger, 10);
      await ledger.store.sql.run(`UPDATE ledger_heads SET root_hash = ? WHERE seq = 4`, ['ab'.repeat(32)]);
      const result = await verify(ledger);
      expect(result.status).toBe(1);
      expect(result.stderr).toBe('sparecycles: ledger broken at tree head 4 (size 20): signature invalid\n');
    });

    it('names a forked head: two signed heads of one size with different roots', async () => {
      const ledger = await openLedger(backend);
      await fill(ledger, 10);
      const fork = signTreeHead(20, leafHash(Buffer.from('another history')), 2000, ledger.key);
      await ledger.store.sql.run('INSERT INTO ledger_heads (size, root_hash, "at", signature) VALUES (?, ?, ?, ?)', [
        fork.size,
        fork.rootHash,
        fork.at,
        fork.signature,
      ]);
      const result = await verify(ledger);
      expect(result.status).toBe(1);
      expect(result.stderr).toBe(
        'sparecycles: ledger broken at tree head 11 (size 20): forked: head 4 has the same size with another root\n',
      );
    });

    it('names a head signed over a tree that does not extend the one before', async () => {
      const ledger = await openLedger(backend);
      await fill(ledger, 10);
      const rewritten = signTreeHead(60, leafHash(Buffer.from('rewritten')), 2000, ledger.key);
      await ledger.store.sql.run('INSERT INTO ledger_heads (size, root_hash, "at", signature) VALUES (?, ?, ?, ?)', [
        rewritten.size,
        rewritten.rootHash,
        rewritten.at,
        rewritten.signature,
      ]);
      const result = await verify(ledger);
      expect(result.status).toBe(1);
      expect(result.stderr).toMatch(
        /^sparecycles: ledger broken at tree head 11 \(size 60\): (not consistent with head 10|no consistency proof from head 10)/,
      );
    });

    it('names the first missing entry of a truncated ledger', async () => {
      const ledger = await openLedger(backend);
      await fill(ledger, 10);
      await ledger.unguard();
      await ledger.store.sql.run('DELETE FROM credit_ledger WHERE seq > 40');
      const result = await verify(ledger);
      expect(result.status).toBe(1);
      expect(result.stderr).toBe(
        'sparecycles: ledger broken at entry 41: missing: the ledger ends at entry 40 but head 10 covers 50\n',
      );
    });

    it('names the first entry no head covers when the newest head is lost, and start-up signs it again', async () => {
      const ledger = await openLedger(backend);
      await fill(ledger, 10);
      await ledger.store.sql.run('DELETE FROM ledger_heads WHERE seq = 10');
      const lost = await verify(ledger);
      expect(lost.status).toBe(1);
      expect(lost.stderr).toBe('sparecycles: ledger broken at entry 46: covered by no signed tree head\n');
      expect(await ledger.store.sealLedger(3000)).toBe(true);
      expect(await ledger.store.sealLedger(3001)).toBe(false);
      expect((await verify(ledger)).status).toBe(0);
    });
  });
}

describe('ledger verify --server over signed tree heads (sqlite)', () => {
  it('checks the heads and leaves a running server publishes, and names a fork and a tampered leaf', async () => {
    const ledger = await openLedger('sqlite');
    await fill(ledger, 10);
    const { child, url } = await startServerProcess(ledger.source[1]!);
    cleanups.unshift(async () => {
      child.kill('SIGKILL');
    });
    const good = await cli(['ledger', 'verify', '--server', url]);
    expect(good.stderr).toBe('');
    expect(good.stdout).toMatch(/^ledger ok: 50 entries, head [0-9a-f]{64}; 10 signed tree heads, newest size 50/);

    const fork = signTreeHead(20, leafHash(Buffer.from('another history')), 2000, ledger.key);
    await ledger.store.sql.run('INSERT INTO ledger_heads (size, root_hash, "at", signature) VALUES (?, ?, ?, ?)', [
      fork.size,
      fork.rootHash,
      fork.at,
      fork.signature,
    ]);
    const forked = await cli(['ledger', 'verify', '--server', url]);
    expect(forked.status).toBe(1);
    expect(forked.stderr).toBe(
      'sparecycles: ledger broken at tree head 11 (size 20): forked: head 4 has the same size with another root\n',
    );

    await ledger.store.sql.run('DELETE FROM ledger_heads WHERE seq = 11');
    await ledger.unguard();
    await ledger.store.sql.run(`UPDATE ledger_tree SET hash = ? WHERE level = 0 AND idx = 6`, ['cd'.repeat(32)]);
    const tampered = await cli(['ledger', 'verify', '--server', url]);
    expect(tampered.status).toBe(1);
    expect(tampered.stderr).toBe(
      'sparecycles: ledger broken at entry 7: its leaf in the Merkle tree does not match it\n',
    );
  });
});

describe('kill -9 while appending (sqlite)', () => {
  it('leaves no entry uncovered, and a server started on a ledger missing its head signs it', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'sc-ledger-kill-'));
    cleanups.push(async () => rmSync(dataDir, { recursive: true, force: true }));
    const child = spawn(process.execPath, ['test/fixtures/ledger-appender.mjs', dataDir]);
    await new Promise<void>((resolve, reject) => {
      child.stdout.on('data', () => resolve());
      child.on('exit', (code) => reject(new Error(`the appender exited (${code})`)));
    });
    await new Promise((r) => setTimeout(r, 300));
    child.kill('SIGKILL');
    await new Promise((r) => child.once('exit', r));
    const after = await cli(['ledger', 'verify', '--data-dir', dataDir]);
    expect(after.stderr).toBe('');
    expect(after.status).toBe(0);

    // A head lost some other way (an older server, a hand-made restore): verify names the
    // first uncovered entry, and the next start signs the head before serving.
    const store = new SqliteStore(join(dataDir, DB_FILE), { key: loadOrCreateServerKey(dataDir) });
    const newest = await store.sql.get<{ seq: number; size: number }>(
      'SELECT seq, size FROM ledger_heads ORDER BY seq DESC LIMIT 1',
    );
    await store.sql.run('DELETE FROM ledger_heads WHERE seq = ?', [newest!.seq]);
    await store.close();
    const lost = await cli(['ledger', 'verify', '--data-dir', dataDir]);
    expect(lost.status).toBe(1);
    expect(lost.stderr).toBe(
      `sparecycles: ledger broken at entry ${newest!.size - 4}: covered by no signed tree head\n`,
    );
    const server = await startServerProcess(dataDir);
    server.child.kill('SIGKILL');
    const healed = await cli(['ledger', 'verify', '--data-dir', dataDir]);
    expect(healed.stderr).toBe('');
    expect(healed.status).toBe(0);
  });
});
