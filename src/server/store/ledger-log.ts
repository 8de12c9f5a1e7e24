// Appends entries to the credit ledger inside the caller's transaction and keeps each
// volunteer's credit equal to the sum of its entries. The chain's head and the Merkle tree's
// frontier are read from the database in every transaction that appends (under the backend's
// ledger lock), so any number of server processes extend one chain and one tree.
//
// Every entry is a leaf of an RFC 9162 Merkle tree (see ../merkle.ts, ../tree-head.ts): an append
// stores the leaf and the O(log n) interior nodes it completes in ledger_tree, and the
// transaction ends with one signed tree head in ledger_heads over the whole ledger, never a
// signature per entry. Heads are written in the same transaction as the entries they cover.
import { chainEntry, GENESIS_HASH, type LedgerEntry, type LedgerFields, type ServerKey } from '../ledger.js';
import { Frontier, rangePieces, type Hash, type NodeRef } from '../merkle.js';
import { entryLeafHash, signTreeHead, type TreeHead } from '../tree-head.js';
import { insertRows, updateRows, type SqlRunner, type SqlTx } from './sql.js';

const ENTRY_COLUMNS = `seq, kind, volunteer, unit, lease, amount, "at", prev_hash AS "prevHash", hash, signature`;
const HEAD_COLUMNS = `size, root_hash AS "rootHash", "at", signature`;
/** Entries read at once when the tree catches up with entries it does not hold yet. */
const CATCH_UP_PAGE = 2000;

interface Tip {
  seq: number;
  hash: string;
  frontier: Frontier;
}

/** The ledger as one transaction sees it; made per transaction, never shared. */
export class LedgerAppender {
  private tip: Tip | undefined;
  private appended = 0;

  constructor(
    private readonly tx: SqlTx,
    private readonly key: ServerKey,
  ) {}

  async append(fields: Omit<LedgerFields, 'seq'>): Promise<LedgerEntry> {
    return (await this.appendAll([fields]))[0]!;
  }

  /**
   * Appends entries in order with a bounded number of statements, however many there are: one
   * multi-row insert of the entries, one of the tree nodes they complete, one credit update.
   */
  async appendAll(list: readonly Omit<LedgerFields, 'seq'>[]): Promise<LedgerEntry[]> {
    if (list.length === 0) return [];
    const tip = this.tip ?? (await this.open());
    const entries: LedgerEntry[] = [];
    const nodes: (NodeRef & { hash: Hash })[] = [];
    const credit = new Map<string, number>();
    for (const fields of list) {
      const entry = chainEntry({ ...fields, seq: tip.seq + 1 }, tip.hash);
      nodes.push(...tip.frontier.push(entryLeafHash(entry)));
      tip.seq = entry.seq;
      tip.hash = entry.hash;
      entries.push(entry);
      const delta = fields.kind === 'grant' ? fields.amount : -fields.amount;
      credit.set(fields.volunteer, (credit.get(fields.volunteer) ?? 0) + delta);
    }
    await insertRows(
      this.tx,
      'credit_ledger',
      ['seq', 'kind', 'volunteer', 'unit', 'lease', 'amount', '"at"', 'prev_hash', 'hash', 'signature'],
      entries.map((e) => [
        e.seq,
        e.kind,
        e.volunteer,
        e.unit,
        e.lease,
        e.amount,
        e.at,
        e.prevHash,
        e.hash,
        e.signature,
      ]),
    );
    await this.storeNodes(nodes);
    await updateRows(this.tx, 'volunteers', 'id', ['text', 'real'], [...credit], 'credit = credit + v.column2');
    this.appended += entries.length;
    return entries;
  }

  /**
   * Signs one head over the whole tree if this transaction appended; call it last in the
   * transaction. Resolves to the head written, if any.
   */
  async seal(at: number): Promise<TreeHead | undefined> {
    if (this.appended === 0 || !this.tip) return undefined;
    return this.writeHead(this.tip.frontier, at);
  }

  /**
   * Signs a head if the newest one does not cover every entry: a ledger from before schema 5
   * (the tree is then built over every entry first) or a head lost some other way.
   */
  async sealMissing(at: number): Promise<TreeHead | undefined> {
    const { frontier } = this.tip ?? (await this.open());
    const newest = await latestHead(this.tx);
    if (newest ? newest.size === frontier.size : frontier.size === 0) return undefined;
    return this.writeHead(frontier, at);
  }

  private async writeHead(frontier: Frontier, at: number): Promise<TreeHead> {
    const head = signTreeHead(frontier.size, frontier.root(), at, this.key);
    await this.tx.run('INSERT INTO ledger_heads (size, root_hash, "at", signature) VALUES (?, ?, ?, ?)', [
      head.size,
      head.rootHash,
      head.at,
      head.signature,
    ]);
    this.appended = 0;
    return head;
  }

  /** Reads the chain's head and the tree's frontier, first adding any entries the tree lacks. */
  private async open(): Promise<Tip> {
    await this.tx.lockLedger();
    const last = (await this.tx.get<{ seq: number; hash: string }>(
      'SELECT seq, hash FROM credit_ledger ORDER BY seq DESC LIMIT 1',
    )) ?? { seq: 0, hash: GENESIS_HASH };
    const seq = Number(last.seq);
    const frontier = await readFrontier(this.tx, await treeSize(this.tx));
    // Entries without leaves: the ledger as it stood when schema 5 arrived (the tree is built
    // over every entry, from seq 1), appended O(log n) each, a page at a time.
    while (frontier.size < seq) {
      const page = await ledgerEntries(this.tx, frontier.size, CATCH_UP_PAGE);
      if (page.length === 0) throw new Error(`the credit ledger has no entry ${frontier.size + 1} below seq ${seq}`);
      for (const entry of page) {
        if (Number(entry.seq) !== frontier.size + 1)
          throw new Error(`the credit ledger skips from seq ${frontier.size} to ${entry.seq}; run ledger verify`);
        await this.storeNodes(frontier.push(entryLeafHash(entry)));
      }
    }
    this.tip = { seq, hash: last.hash, frontier };
    return this.tip;
  }

  private async storeNodes(nodes: readonly (NodeRef & { hash: Hash })[]): Promise<void> {
    await insertRows(
      this.tx,
      'ledger_tree',
      ['level', 'idx', 'hash'],
      nodes.map((n) => [n.level, n.idx, n.hash.toString('hex')]),
    );
  }
}

/** How many leaves the stored tree holds. */
export async function treeSize(db: SqlRunner): Promise<number> {
  const row = await db.get<{ n: number | string | null }>('SELECT MAX(idx) AS n FROM ledger_tree WHERE level = 0');
  return row?.n === null || row?.n === undefined ? 0 : Number(row.n) + 1;
}

/** Stored node hashes by "level:idx", read in one statement. */
export async function readNodes(db: SqlRunner, refs: readonly NodeRef[]): Promise<Map<string, Hash>> {
  const found = new Map<string, Hash>();
  for (let i = 0; i < refs.length; i += 400) {
    const chunk = refs.slice(i, i + 400);
    if (chunk.length === 0) continue;
    const rows = await db.all<{ level: number; idx: number | string; hash: string }>(
      `SELECT level, idx, hash FROM ledger_tree WHERE ${chunk.map(() => '(level = ? AND idx = ?)').join(' OR ')}`,
      chunk.flatMap((r) => [r.level, r.idx]),
    );
    for (const row of rows) found.set(`${Number(row.level)}:${Number(row.idx)}`, Buffer.from(row.hash, 'hex'));
  }
  return found;
}

async function readFrontier(db: SqlRunner, size: number): Promise<Frontier> {
  const pieces = rangePieces(0, size);
  const nodes = await readNodes(db, pieces);
  const hashes = pieces.map((p) => {
    const hash = nodes.get(`${p.level}:${p.idx}`);
    if (!hash) throw new Error(`the ledger tree lacks its node at level ${p.level}, index ${p.idx}`);
    return hash;
  });
  return Frontier.of(size, hashes);
}

/** Signed heads numbered above `afterSeq`, oldest first. */
export async function headsAfter(
  db: SqlRunner,
  afterSeq: number,
  limit: number,
): Promise<(TreeHead & { seq: number })[]> {
  const rows = await db.all<TreeHead & { seq: number }>(
    `SELECT seq, ${HEAD_COLUMNS} FROM ledger_heads WHERE seq > ? ORDER BY seq LIMIT ?`,
    [afterSeq, limit],
  );
  return rows.map((h) => ({ ...h, seq: Number(h.seq), size: Number(h.size), at: Number(h.at) }));
}

export async function latestHead(db: SqlRunner): Promise<TreeHead | undefined> {
  const row = await db.get<TreeHead>(`SELECT ${HEAD_COLUMNS} FROM ledger_heads ORDER BY seq DESC LIMIT 1`);
  return row && { ...row, size: Number(row.size), at: Number(row.at) };
}

export async function ledgerEntries(db: SqlRunner, afterSeq: number, limit: number): Promise<LedgerEntry[]> {
  const rows = await db.all<LedgerEntry>(
    `SELECT ${ENTRY_COLUMNS} FROM credit_ledger WHERE seq > ? ORDER BY seq LIMIT ?`,
    [afterSeq, limit],
  );
  return rows.map(numeric);
}

export async function ledgerReceipts(
  db: SqlRunner,
  volunteer: string,
  afterSeq: number,
  limit: number,
): Promise<LedgerEntry[]> {
  const rows = await db.all<LedgerEntry>(
    `SELECT ${ENTRY_COLUMNS} FROM credit_ledger WHERE volunteer = ? AND seq > ? ORDER BY seq LIMIT ?`,
    [volunteer, afterSeq, limit],
  );
  return rows.map(numeric);
}

// PostgreSQL's BIGINT may arrive as text; every seq and time fits a double exactly.
const numeric = (e: LedgerEntry): LedgerEntry => ({ ...e, seq: Number(e.seq), at: Number(e.at) });
