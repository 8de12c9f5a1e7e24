// Per-entry cost of a ledger append, old (an Ed25519 signature per entry) against new (a Merkle
// leaf, O(log n) stored nodes, and one signed tree head per transaction), side by side in one run
// on one SQLite store, with transactions of 256 entries as a busy results request makes them.
import { expect, it } from 'vitest';
import { loadOrCreateServerKey, sealEntry } from '../../src/server/ledger.js';
import { LedgerAppender } from '../../src/server/store/ledger-log.js';
import type { SqlStore } from '../../src/server/store/sql-store.js';
import { SqliteStore } from '../../src/server/store/sqlite/sqlite-store.js';
import { report, round } from './report.js';

const PER_TX = 256;
const ROUNDS = 3;
const TXS = 20;
const key = loadOrCreateServerKey(undefined);
const fields = (n: number, i: number) =>
  ({ kind: 'grant', volunteer: `v_${i % 8}`, unit: `${n}`, lease: `l${n}.${i}`, amount: 1, at: n }) as const;

async function perTxOld(store: SqlStore, n: number): Promise<void> {
  await store.sql.transaction(
    async (tx) => {
      const last = (await tx.get<{ seq: number; hash: string }>(
        'SELECT seq, hash FROM credit_ledger ORDER BY seq DESC LIMIT 1',
      ))!;
      let { seq, hash } = last ?? { seq: 0, hash: '0'.repeat(64) };
      for (let i = 0; i < PER_TX; i++) {
        const e = sealEntry({ ...fields(n, i), seq: ++seq }, hash, key);
        await tx.run(
          `INSERT INTO credit_ledger (seq, kind, volunteer, unit, lease, amount, "at", prev_hash, hash, signature)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
          [e.seq, e.kind, e.volunteer, e.unit, e.lease, e.amount, e.at, e.prevHash, e.hash, e.signature],
        );
        await tx.run('UPDATE volunteers SET credit = credit + ? WHERE id = ?', [e.amount, e.volunteer]);
        hash = e.hash;
      }
    },
    { lock: 'ledger' },
  );
}

async function perTxNew(store: SqlStore, n: number): Promise<void> {
  await store.sql.transaction(
    async (tx) => {
      const ledger = new LedgerAppender(tx, key);
      for (let i = 0; i < PER_TX; i++) await ledger.append(fields(n, i));
      await ledger.seal(n);
    },
    { lock: 'ledger' },
  );
}

it('ledger append: per-entry signature vs one signed tree head per transaction', async () => {
  const times = { old: [] as number[], new: [] as number[] };
  for (let r = 0; r < ROUNDS; r++) {
    for (const kind of ['old', 'new'] as const) {
      const store: SqlStore = new SqliteStore(':memory:', { key });
      const start = process.hrtime.bigint();
      for (let n = 0; n < TXS; n++) await (kind === 'old' ? perTxOld : perTxNew)(store, n);
      times[kind].push(Number(process.hrtime.bigint() - start) / 1000 / (TXS * PER_TX));
      await store.close();
    }
  }
  const best = (xs: number[]) => Math.min(...xs);
  report(
    'ledger-append',
    [
      { ledger: 'signature per entry (schema 3)', 'µs per entry': round(best(times.old), 1) },
      { ledger: 'Merkle leaf + head per tx (schema 5)', 'µs per entry': round(best(times.new), 1) },
    ],
    { perTransaction: PER_TX, transactions: TXS, rounds: ROUNDS, ratio: round(best(times.old) / best(times.new), 2) },
  );
  expect(times.new.length).toBe(ROUNDS);
});
