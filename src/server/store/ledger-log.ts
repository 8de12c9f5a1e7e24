// Appends sealed entries to the credit ledger inside the caller's transaction and keeps each
// volunteer's credit equal to the sum of its entries. The chain's head is read from the
// database in every transaction that appends (under the backend's ledger lock), so any number
// of server processes extend one chain.
import { GENESIS_HASH, sealEntry, type LedgerEntry, type LedgerFields, type ServerKey } from '../ledger.js';
import type { SqlRunner, SqlTx } from './sql.js';

const ENTRY_COLUMNS = `seq, kind, volunteer, unit, lease, amount, "at", prev_hash AS "prevHash", hash, signature`;

/** The ledger as one transaction sees it; made per transaction, never shared. */
export class LedgerAppender {
  private head: { seq: number; hash: string } | undefined;

  constructor(
    private readonly tx: SqlTx,
    private readonly key: ServerKey,
  ) {}

  async append(fields: Omit<LedgerFields, 'seq'>): Promise<LedgerEntry> {
    const head = this.head ?? (await readHead(this.tx));
    const entry = sealEntry({ ...fields, seq: head.seq + 1 }, head.hash, this.key);
    await this.tx.run(
      `INSERT INTO credit_ledger (seq, kind, volunteer, unit, lease, amount, "at", prev_hash, hash, signature)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      [
        entry.seq,
        entry.kind,
        entry.volunteer,
        entry.unit,
        entry.lease,
        entry.amount,
        entry.at,
        entry.prevHash,
        entry.hash,
        entry.signature,
      ],
    );
    await this.tx.run('UPDATE volunteers SET credit = credit + ? WHERE id = ?', [
      fields.kind === 'grant' ? fields.amount : -fields.amount,
      fields.volunteer,
    ]);
    this.head = { seq: entry.seq, hash: entry.hash };
    return entry;
  }
}

async function readHead(db: SqlRunner): Promise<{ seq: number; hash: string }> {
  const row = await db.get<{ seq: number; hash: string }>(
    'SELECT seq, hash FROM credit_ledger ORDER BY seq DESC LIMIT 1',
  );
  return row ?? { seq: 0, hash: GENESIS_HASH };
}

export function ledgerEntries(db: SqlRunner, afterSeq: number, limit: number): Promise<LedgerEntry[]> {
  return db.all<LedgerEntry>(`SELECT ${ENTRY_COLUMNS} FROM credit_ledger WHERE seq > ? ORDER BY seq LIMIT ?`, [
    afterSeq,
    limit,
  ]);
}

export function ledgerReceipts(
  db: SqlRunner,
  volunteer: string,
  afterSeq: number,
  limit: number,
): Promise<LedgerEntry[]> {
  return db.all<LedgerEntry>(
    `SELECT ${ENTRY_COLUMNS} FROM credit_ledger WHERE volunteer = ? AND seq > ? ORDER BY seq LIMIT ?`,
    [volunteer, afterSeq, limit],
  );
}
