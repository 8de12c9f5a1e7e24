// The SQL-level port between the store's stages and a database. The stages (scheduler,
// validation, expiry, ledger, views) are written once against it in SQL that SQLite and
// PostgreSQL both accept; each backend supplies only the connection, the transactions and the
// locking. Portable SQL here means: `?` placeholders, quoted camelCase aliases, COUNT(*) FILTER
// instead of SUM(boolean), ON CONFLICT DO NOTHING, integers 0/1 for flags.

export type SqlParam = string | number | bigint | Buffer | Uint8Array | null;

export interface SqlRunner {
  all<T>(sql: string, params?: readonly SqlParam[]): Promise<T[]>;
  get<T>(sql: string, params?: readonly SqlParam[]): Promise<T | undefined>;
  /** Runs a statement; resolves to the number of rows it changed. */
  run(sql: string, params?: readonly SqlParam[]): Promise<number>;
}

/** Column types a placeholder can be given where the database cannot infer one (VALUES lists). */
export type SqlType = 'text' | 'integer' | 'real' | 'blob';

export interface SqlTx extends SqlRunner {
  /**
   * Rows as arrays of column values in SELECT order: for reads of hundreds of rows on the hot
   * path, where making an object per row cost as much as the query.
   */
  arrays<T extends unknown[]>(sql: string, params?: readonly SqlParam[]): Promise<T[]>;
  /** Locks the selected rows of `alias` until commit, skipping rows another transaction holds. */
  skipLocked(alias: string): string;
  /** Locks the selected rows until commit, waiting for another transaction holding them. */
  readonly forUpdate: string;
  /** A hint after `FROM table alias` that the query must read through `index` (a partial index the planner may not pick). */
  indexedBy(index: string): string;
  /** A `?` placeholder of a given type, for a VALUES list whose column types nothing else fixes. */
  typed(type: SqlType): string;
  /**
   * Takes the ledger lock until commit: transactions that append to the credit ledger are
   * serialised with each other from this point on (idempotent within a transaction).
   */
  lockLedger(): Promise<void>;
}

export interface TransactionOptions {
  /**
   * `ledger`: take the ledger lock (see SqlTx.lockLedger) at the start rather than when the
   * transaction first needs it.
   */
  lock?: 'ledger';
}

export interface SqlBackend extends SqlRunner {
  readonly dialect: 'sqlite' | 'postgres';
  /** Runs `fn` as one transaction, retried from the start when the database asks (deadlock, conflict). */
  transaction<T>(fn: (tx: SqlTx) => Promise<T>, options?: TransactionOptions): Promise<T>;
  /**
   * Runs `fn` in a transaction only if no other process is running a job of this name now, for
   * background sweeps that every process runs; resolves to undefined when it was skipped.
   */
  sweep<T>(name: string, fn: (tx: SqlTx) => Promise<T>): Promise<T | undefined>;
  /** Runs `fn` (not itself a transaction) while holding a lock of this name across processes. */
  exclusive<T>(name: string, fn: () => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

/**
 * Text as every backend can keep it: PostgreSQL refuses U+0000 in text, so it becomes U+FFFD
 * (the replacement character) on both backends alike, before it is stored or compared.
 */
export const storableText = (text: string) => (text.includes('\u0000') ? text.replaceAll('\u0000', '\ufffd') : text);

/** Stable 31-bit keys for named locks (PostgreSQL advisory locks take integers). */
export function lockKey(name: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < name.length; i++) h = Math.imul(h ^ name.charCodeAt(i), 0x01000193);
  return (h >>> 1) | 0x40000000;
}

/** Parameters per multi-row statement: well under both databases' limits. */
const CHUNK_PARAMS = 8000;
/** Ids per `IN (…)` list. */
const IN_CHUNK = 500;

/** `items` in slices of at most `size`. */
function* slices<T>(items: readonly T[], size: number): Generator<readonly T[]> {
  for (let start = 0; start < items.length; start += size) yield items.slice(start, start + size);
}

/** `rows`' values appended to `into`, row after row (a plain loop: Array.flat was slow here). */
function flatten(into: SqlParam[], rows: readonly (readonly SqlParam[])[]): SqlParam[] {
  for (const row of rows) for (const value of row) into.push(value);
  return into;
}

/** Rows per multi-row statement of `columns` columns. */
const rowsPerStatement = (columns: number) => Math.max(1, Math.floor(CHUNK_PARAMS / columns));

/**
 * Statement texts by shape and row count, built once: a multi-row statement's text is tens of
 * kilobytes, and building it per call (then hashing it to find its compiled statement) cost more
 * than running it. The same string object each time also makes the statement cache's lookup cheap.
 */
const texts = new Map<string, string[]>();
const MAX_SHAPES = 512;

function repeated(shape: string, count: number, build: () => string): string {
  let byCount = texts.get(shape);
  if (!byCount) {
    if (texts.size >= MAX_SHAPES) texts.clear();
    byCount = [];
    texts.set(shape, byCount);
  }
  return (byCount[count] ??= build());
}

const inList = (sql: string, chunk: readonly SqlParam[]) =>
  repeated(sql, chunk.length, () => sql.replace('$IN', chunk.map(() => '?').join(',')));

/** Inserts rows with multi-row VALUES statements, a bounded number of statements per call. */
export async function insertRows(
  db: SqlRunner,
  table: string,
  columns: readonly string[],
  rows: readonly (readonly SqlParam[])[],
  suffix = '',
): Promise<number> {
  const head = `INSERT INTO ${table} (${columns.join(', ')}) VALUES `;
  const tuple = `(${columns.map(() => '?').join(', ')})`;
  let changed = 0;
  for (const chunk of slices(rows, rowsPerStatement(columns.length))) {
    const sql = repeated(
      `${head}\0${suffix}`,
      chunk.length,
      () => `${head}${chunk.map(() => tuple).join(', ')} ${suffix}`,
    );
    changed += await db.run(sql, flatten([], chunk));
  }
  return changed;
}

/** Runs `query` over `ids` in IN-list chunks, `(?,…)` substituted for `$IN`; rows concatenated. */
export function allIn<T>(
  db: SqlRunner,
  sql: string,
  ids: readonly SqlParam[],
  before: readonly SqlParam[] = [],
): Promise<T[]> {
  return readIn((text, params) => db.all<T>(text, params), sql, ids, before);
}

/** allIn with rows as arrays (SqlTx.arrays). */
export function arraysIn<T extends unknown[]>(tx: SqlTx, sql: string, ids: readonly SqlParam[]): Promise<T[]> {
  return readIn((text, params) => tx.arrays<T>(text, params), sql, ids, []);
}

async function readIn<T>(
  read: (sql: string, params: readonly SqlParam[]) => Promise<T[]>,
  sql: string,
  ids: readonly SqlParam[],
  before: readonly SqlParam[],
): Promise<T[]> {
  const rows: T[] = [];
  for (const chunk of slices(ids, IN_CHUNK)) rows.push(...(await read(inList(sql, chunk), [...before, ...chunk])));
  return rows;
}

/** Runs a statement over `ids` in IN-list chunks (`$IN` as in allIn); resolves to rows changed. */
export async function runIn(
  db: SqlRunner,
  sql: string,
  ids: readonly SqlParam[],
  before: readonly SqlParam[] = [],
): Promise<number> {
  let changed = 0;
  for (const chunk of slices(ids, IN_CHUNK)) changed += await db.run(inList(sql, chunk), [...before, ...chunk]);
  return changed;
}

/**
 * Updates many rows, each with its own values, in a bounded number of statements:
 * `UPDATE table SET <set> FROM (VALUES …) AS v WHERE table.<key> = v.column1`. `columns` gives
 * each VALUES column's type (the key first); `set` refers to them as v.column1, v.column2, … and
 * may use `?` for `params`, which come before the values. Keys must be distinct.
 */
export async function updateRows(
  tx: SqlTx,
  table: string,
  key: string,
  columns: readonly SqlType[],
  rows: readonly (readonly SqlParam[])[],
  set: string,
  params: readonly SqlParam[] = [],
): Promise<number> {
  const tuple = `(${columns.map((type) => tx.typed(type)).join(', ')})`;
  const shape = `UPDATE ${table} SET ${set}\0${tuple}\0${key}`;
  let changed = 0;
  for (const chunk of slices(rows, rowsPerStatement(columns.length))) {
    const sql = repeated(
      shape,
      chunk.length,
      () => `UPDATE ${table} SET ${set} FROM (VALUES ${chunk.map(() => tuple).join(', ')}) AS v
      WHERE ${table}.${key} = v.column1`,
    );
    changed += await tx.run(sql, flatten([...params], chunk));
  }
  return changed;
}
