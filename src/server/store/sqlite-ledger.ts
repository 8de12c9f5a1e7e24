// Appends sealed entries to the credit ledger inside the caller's transaction and keeps each
// volunteer's credit equal to the sum of its entries.
import type Database from 'better-sqlite3';
import type { Prepares } from './statement-cache.js';
import { GENESIS_HASH, sealEntry, type LedgerEntry, type LedgerFields, type ServerKey } from '../ledger.js';

interface Row {
  seq: number;
  kind: 'grant' | 'revoke';
  volunteer: string;
  unit: string;
  lease: string;
  amount: number;
  at: number;
  prev_hash: string;
  hash: string;
  signature: string;
}

const toEntry = (r: Row): LedgerEntry => ({
  seq: r.seq,
  kind: r.kind,
  volunteer: r.volunteer,
  unit: r.unit,
  lease: r.lease,
  amount: r.amount,
  at: r.at,
  prevHash: r.prev_hash,
  hash: r.hash,
  signature: r.signature,
});

export class SqliteLedger {
  private head: { seq: number; hash: string };
  private readonly insert: Database.Statement;
  private readonly credit: Database.Statement;

  constructor(
    private readonly db: Prepares,
    private readonly key: ServerKey,
  ) {
    this.head = this.readHead();
    this.insert = db.prepare(
      `INSERT INTO credit_ledger (seq, kind, volunteer, unit, lease, amount, at, prev_hash, hash, signature)
       VALUES (@seq, @kind, @volunteer, @unit, @lease, @amount, @at, @prevHash, @hash, @signature)`,
    );
    this.credit = db.prepare('UPDATE volunteers SET credit = credit + ? WHERE id = ?');
  }

  /** Seals and appends one entry; call inside a transaction, and `rollback()` if it aborts. */
  append(fields: Omit<LedgerFields, 'seq'>): LedgerEntry {
    const entry = sealEntry({ ...fields, seq: this.head.seq + 1 }, this.head.hash, this.key);
    this.insert.run(entry);
    this.credit.run(fields.kind === 'grant' ? fields.amount : -fields.amount, fields.volunteer);
    this.head = { seq: entry.seq, hash: entry.hash };
    return entry;
  }

  /** Re-reads the head after an aborted transaction dropped appended entries. */
  rollback(): void {
    this.head = this.readHead();
  }

  entries(afterSeq: number, limit: number): LedgerEntry[] {
    return (
      this.db.prepare('SELECT * FROM credit_ledger WHERE seq > ? ORDER BY seq LIMIT ?').all(afterSeq, limit) as Row[]
    ).map(toEntry);
  }

  receipts(volunteer: string, afterSeq: number, limit: number): LedgerEntry[] {
    return (
      this.db
        .prepare('SELECT * FROM credit_ledger WHERE volunteer = ? AND seq > ? ORDER BY seq LIMIT ?')
        .all(volunteer, afterSeq, limit) as Row[]
    ).map(toEntry);
  }

  private readHead(): { seq: number; hash: string } {
    const row = this.db.prepare('SELECT seq, hash FROM credit_ledger ORDER BY seq DESC LIMIT 1').get() as
      { seq: number; hash: string } | undefined;
    return row ?? { seq: 0, hash: GENESIS_HASH };
  }
}
