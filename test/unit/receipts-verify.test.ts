// The page's receipt check (src/app/receipts.ts, WebCrypto, run here on Node's): receipts proved
// by inclusion proofs to signed tree heads verify, and so do receipts signed one by one before
// the upgrade; a tampered entry, proof, head or key does not.
import { describe, expect, it } from 'vitest';
import { verifyReceipts, type ReceiptSet } from '../../src/app/receipts.js';
import { GENESIS_HASH, loadOrCreateServerKey, sealEntry } from '../../src/server/ledger.js';
import { LedgerAppender } from '../../src/server/store/ledger-log.js';
import type { SqlStore } from '../../src/server/store/sql-store.js';
import { SqliteStore } from '../../src/server/store/sqlite/sqlite-store.js';

const key = loadOrCreateServerKey(undefined);

async function provedSet(): Promise<ReceiptSet> {
  const store: SqlStore = new SqliteStore(':memory:', { key });
  for (let n = 0; n < 7; n++) {
    await store.sql.transaction(
      async (tx) => {
        const ledger = new LedgerAppender(tx, key);
        for (let i = 0; i < 3; i++)
          await ledger.append({
            kind: 'grant',
            volunteer: `v_${i}`,
            unit: `${n}`,
            lease: `l${n}.${i}`,
            amount: 1,
            at: n,
          });
        await ledger.seal(100 + n);
      },
      { lock: 'ledger' },
    );
  }
  const entries = await store.receipts('v_1', 0, 100);
  const { head, proofs } = await store.receiptProofs(entries);
  await store.close();
  return {
    volunteer: 'v_1',
    publicKey: key.publicKeyRaw,
    treeHeads: [head!],
    entries: entries.map((e) => ({ ...e, proof: proofs.get(e.seq)! })),
  };
}

describe('verifying receipts in the page', () => {
  it('accepts receipts proved to a signed tree head', async () => {
    const set = await provedSet();
    expect(set.entries).toHaveLength(7);
    expect(set.entries.every((e) => e.signature === '' && e.proof!.path.length > 0)).toBe(true);
    expect(await verifyReceipts(set)).toEqual({ status: 'verified', count: 7 });
  });

  it('names the receipts whose entry, proof or head was changed', async () => {
    const set = await provedSet();
    const entries = set.entries.map((e) => ({ ...e, proof: { ...e.proof!, path: [...e.proof!.path] } }));
    entries[1]!.amount = 5;
    entries[3]!.proof.path[0] = entries[3]!.proof.path[0]!.replace(/^./, (c) => (c === '0' ? '1' : '0'));
    entries[4]!.proof.leafIndex += 1;
    entries[5]!.proof = null as never;
    expect(await verifyReceipts({ ...set, entries })).toEqual({
      status: 'failed',
      count: 7,
      bad: [entries[1]!.seq, entries[3]!.seq, entries[4]!.seq, entries[5]!.seq],
    });
    const forged = { ...set.treeHeads[0]!, at: set.treeHeads[0]!.at + 1 };
    expect(await verifyReceipts({ ...set, treeHeads: [forged] })).toMatchObject({ status: 'failed', count: 7 });
    const other = loadOrCreateServerKey(undefined);
    expect(await verifyReceipts({ ...set, publicKey: other.publicKeyRaw })).toMatchObject({ status: 'failed' });
  });

  it('still accepts receipts exported before the upgrade, signed one by one', async () => {
    let prev = GENESIS_HASH;
    const entries = [];
    for (let seq = 1; seq <= 4; seq++) {
      const entry = sealEntry(
        { seq, kind: 'grant', volunteer: 'v_1', unit: `${seq}`, lease: `l${seq}`, amount: 2, at: seq },
        prev,
        key,
      );
      entries.push(entry);
      prev = entry.hash;
    }
    // An old export has no treeHeads and no proofs.
    const old = { volunteer: 'v_1', publicKey: key.publicKeyRaw, entries } as unknown as ReceiptSet;
    expect(await verifyReceipts(old)).toEqual({ status: 'verified', count: 4 });
    entries[2]!.signature = entries[1]!.signature;
    expect(await verifyReceipts(old)).toMatchObject({ status: 'failed', bad: [3] });
  });
});
