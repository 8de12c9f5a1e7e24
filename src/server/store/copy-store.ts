// `sparecycles migrate`: copies a whole SQLite deployment into an empty PostgreSQL database, ids
// kept, in one PostgreSQL transaction (a failure leaves the target as empty as it was), reading
// the SQLite file in pages inside one read snapshot so memory stays bounded. The ledger key
// moves from `server-key.pem` into settings `ledger_key`, so the copied signatures still verify
// and new entries are signed by the same key.
import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import Database from 'better-sqlite3';
import pg from 'pg';
import { parseServerKey, SERVER_KEY_FILE, verifyReceipt, type LedgerEntry } from '../ledger.js';
import { treeHeadProblem, type TreeHead } from '../tree-head.js';
import { DB_FILE } from '../paths.js';
import { latestVersion } from './migrations.js';
import { PostgresBackend, redactUrl } from './postgres/pg-backend.js';
import { LEDGER_KEY_SETTING } from './postgres/pg-store.js';
import { insertRows, type SqlParam, type SqlTx } from './sql.js';
import { isPostgresUrl } from './open-store.js';
import { SqliteBackend } from './sqlite/sqlite-backend.js';
import { SQLITE_MIGRATIONS } from './sqlite/schema.js';

/** Every table, parents before the tables whose foreign keys point at them. */
export const COPIED_TABLES = [
  'publishers',
  'projects',
  'sites',
  'kernels',
  'batches',
  'units',
  'volunteers',
  'leases',
  'credit_ledger',
  'ledger_tree',
  'ledger_heads',
  'settings',
  'generators',
] as const;
export type CopiedTable = (typeof COPIED_TABLES)[number];

/** A page ends at this many rows or bytes, whichever comes first (kernels are up to 8 MiB each). */
const PAGE_ROWS = 2000;
const PAGE_BYTES = 16 * 1024 * 1024;

/** Bad input the operator can fix: the message is one line and nothing was written. */
export class CopyRefused extends Error {}

export interface CopySummary {
  from: string;
  to: string;
  tables: Record<CopiedTable, number>;
  rows: number;
  /** Where the ledger key came from; `none` when the source had neither key nor ledger entries. */
  ledgerKey: 'server-key.pem' | 'settings' | 'none';
}

export interface CopyOptions {
  /** A SQLite file, or a data dir holding `sparecycles.db`. */
  from: string;
  /** A postgres:// URL of an empty database. */
  to: string;
  onProgress?: (copied: number, total: number) => void;
}

interface Source {
  file: string;
  keyFile: string;
}

function locateSource(from: string): Source {
  const path = resolve(from);
  if (!existsSync(path)) throw new CopyRefused(`no SQLite database or data dir at ${from}`);
  const file = statSync(path).isDirectory() ? join(path, DB_FILE) : path;
  if (!existsSync(file)) throw new CopyRefused(`no ${DB_FILE} in the data dir ${from}`);
  return { file, keyFile: join(dirname(file), SERVER_KEY_FILE) };
}

/** Refuses, without writing to it, a file that is not a Spare Cycles database this build knows. */
function checkSourceVersion(file: string): void {
  let db: Database.Database;
  try {
    db = new Database(file, { readonly: true, fileMustExist: true });
  } catch (err) {
    throw new CopyRefused(`cannot open ${file} as SQLite (${(err as Error).message})`);
  }
  try {
    const version = db.pragma('user_version', { simple: true }) as number;
    const latest = latestVersion(SQLITE_MIGRATIONS);
    if (version === 0) throw new CopyRefused(`${file} is not a Spare Cycles database (it has no schema version)`);
    if (version > latest)
      throw new CopyRefused(
        `${file} has schema ${version}, newer than this Spare Cycles knows (${latest}); upgrade first`,
      );
  } catch (err) {
    if (err instanceof CopyRefused) throw err;
    throw new CopyRefused(`${file} is not a usable SQLite database (${(err as Error).message})`);
  } finally {
    db.close();
  }
}

/** Refuses, without writing to it, a target that holds anything at all. */
async function checkTargetEmpty(url: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  try {
    await client.connect();
  } catch (err) {
    throw new CopyRefused(`cannot connect to PostgreSQL at ${redactUrl(url)} (${(err as Error).message})`);
  }
  try {
    const { rows } = await client.query<{ name: string }>(
      `SELECT table_name AS name FROM information_schema.tables
       WHERE table_schema = current_schema() ORDER BY table_name`,
    );
    const ours = new Set<string>([...COPIED_TABLES, 'sc_schema']);
    const foreign = rows.map((r) => r.name).filter((name) => !ours.has(name));
    if (foreign.length > 0)
      throw new CopyRefused(
        `${redactUrl(url)} is not empty (it has table ${foreign[0]}); migrate copies into an empty database only`,
      );
    for (const { name } of rows) {
      if (name === 'sc_schema') continue;
      const { rowCount } = await client.query(`SELECT 1 FROM ${name} LIMIT 1`);
      if (rowCount) throw notEmpty(url, name);
    }
  } finally {
    await client.end().catch(() => undefined);
  }
}

const notEmpty = (url: string, table: string) =>
  new CopyRefused(`${redactUrl(url)} is not empty (${table} has rows); migrate copies into an empty database only`);

/** The ledger key to carry over: the data dir's file, else a key the SQLite settings hold. */
function ledgerKeyOf(
  source: Source,
  db: Database.Database,
): { pem: string | undefined; from: CopySummary['ledgerKey'] } {
  let pem: string | undefined;
  let from: CopySummary['ledgerKey'] = 'none';
  if (existsSync(source.keyFile)) {
    pem = readFileSync(source.keyFile, 'utf8');
    from = 'server-key.pem';
  } else {
    const row = db.prepare('SELECT value FROM settings WHERE name = ?').get(LEDGER_KEY_SETTING) as
      { value: string } | undefined;
    if (row) [pem, from] = [row.value, 'settings'];
  }
  const first = db
    .prepare(
      `SELECT seq, kind, volunteer, unit, lease, amount, "at", prev_hash AS "prevHash", hash, signature
       FROM credit_ledger ORDER BY seq LIMIT 1`,
    )
    .get() as LedgerEntry | undefined;
  if (pem === undefined) {
    if (first)
      throw new CopyRefused(`no server key at ${source.keyFile}: the ledger's signatures cannot be carried over`);
    return { pem, from };
  }
  let key;
  try {
    key = parseServerKey(pem, from === 'settings' ? `the ledger key in ${source.file}` : source.keyFile);
  } catch (err) {
    throw new CopyRefused((err as Error).message);
  }
  // Since schema 5 entries are unsigned and the tree heads carry the signatures.
  const head = db
    .prepare(`SELECT size, root_hash AS "rootHash", "at", signature FROM ledger_heads ORDER BY seq DESC LIMIT 1`)
    .get() as TreeHead | undefined;
  const signed = first?.signature === '' ? head && treeHeadProblem(head, key.publicKeyPem) === undefined : undefined;
  if (first && (signed === undefined ? !verifyReceipt(first, key.publicKeyPem) : !signed))
    throw new CopyRefused(
      `the ledger in ${source.file} was not signed with ${source.keyFile}; is it this server's key?`,
    );
  return { pem, from };
}

interface ColumnPlan {
  names: string[];
  /** Per column: the PostgreSQL type, for the few conversions SQLite's loose typing needs. */
  types: string[];
}

async function planColumns(db: Database.Database, tx: SqlTx, table: CopiedTable): Promise<ColumnPlan> {
  const sqlite = (db.pragma(`table_info(${table})`) as { name: string }[]).map((c) => c.name);
  const target = new Map(
    (
      await tx.all<{ name: string; type: string }>(
        `SELECT column_name AS name, data_type AS type FROM information_schema.columns
         WHERE table_schema = current_schema() AND table_name = ?`,
        [table],
      )
    ).map((c) => [c.name, c.type]),
  );
  const missing = sqlite.filter((name) => !target.has(name));
  if (missing.length > 0)
    throw new CopyRefused(`PostgreSQL's ${table} has no column ${missing[0]}: the schemas differ, upgrade first`);
  return { names: sqlite, types: sqlite.map((name) => target.get(name)!) };
}

/** SQLite keeps whatever was bound; PostgreSQL wants bytes in bytea and text in text. */
function convert(value: unknown, type: string): SqlParam {
  if (value === null || value === undefined) return null;
  if (type === 'bytea') return Buffer.isBuffer(value) ? value : Buffer.from(String(value), 'utf8');
  if (type === 'text' && Buffer.isBuffer(value)) return value.toString('utf8');
  return value as SqlParam;
}

const sizeOf = (row: readonly SqlParam[]) =>
  row.reduce<number>((n, v) => n + (v === null ? 1 : typeof v === 'string' || Buffer.isBuffer(v) ? v.length : 8), 0);

async function copyTable(
  db: Database.Database,
  tx: SqlTx,
  table: CopiedTable,
  skip: (row: Record<string, unknown>) => boolean,
  progress: (rows: number) => void,
): Promise<number> {
  const plan = await planColumns(db, tx, table);
  const quoted = plan.names.map((name) => `"${name}"`);
  // Every table here has a rowid (none is WITHOUT ROWID): one paging key for all of them.
  const select = db.prepare(
    `SELECT rowid AS sc_rowid, ${quoted.join(', ')} FROM ${table} WHERE rowid > ? ORDER BY rowid`,
  );
  let after = Number.MIN_SAFE_INTEGER;
  let copied = 0;
  for (;;) {
    const page: SqlParam[][] = [];
    let bytes = 0;
    let last = after;
    for (const row of select.iterate(after) as IterableIterator<Record<string, unknown>>) {
      last = row.sc_rowid as number;
      if (skip(row)) continue;
      const values = plan.names.map((name, i) => convert(row[name], plan.types[i]!));
      page.push(values);
      bytes += sizeOf(values);
      if (page.length >= PAGE_ROWS || bytes >= PAGE_BYTES) break;
    }
    if (last === after) return copied;
    if (page.length > 0) await insertRows(tx, table, quoted, page);
    copied += page.length;
    progress(page.length);
    after = last;
  }
}

/** Copies the SQLite deployment at `from` into the empty PostgreSQL database at `to`. */
export async function copySqliteToPostgres(options: CopyOptions): Promise<CopySummary> {
  if (!isPostgresUrl(options.to))
    throw new CopyRefused(
      `--to must be a postgres:// or postgresql:// URL (got ${JSON.stringify(options.to.slice(0, 40))})`,
    );
  const source = locateSource(options.from);
  checkSourceVersion(source.file);
  await checkTargetEmpty(options.to);

  // Brings a version-2 file forward (the settings table); refuses what it cannot read.
  let sqlite: SqliteBackend;
  try {
    sqlite = new SqliteBackend(source.file);
  } catch (err) {
    throw new CopyRefused((err as Error).message);
  }
  const db = sqlite.raw;
  let target: PostgresBackend | undefined;
  try {
    const key = ledgerKeyOf(source, db);
    target = await PostgresBackend.connect(options.to);
    // One read snapshot of the whole file, however long the copy takes (WAL lets a server go on).
    db.prepare('BEGIN').run();
    try {
      const counts = Object.fromEntries(
        COPIED_TABLES.map((t) => [t, (db.prepare(`SELECT COUNT(*) AS n FROM ${t}`).get() as { n: number }).n]),
      ) as Record<CopiedTable, number>;
      const total = Object.values(counts).reduce((a, b) => a + b, 0);
      options.onProgress?.(0, total);
      let stage = 'the checks';
      const tables = await target
        .transaction(async (tx) => {
          // No server may start writing into the target while it is filled.
          await tx.run(`LOCK TABLE ${COPIED_TABLES.join(', ')} IN EXCLUSIVE MODE`);
          for (const table of COPIED_TABLES) {
            if (await tx.get(`SELECT 1 AS x FROM ${table} LIMIT 1`)) throw notEmpty(options.to, table);
          }
          let done = 0;
          const copied = {} as Record<CopiedTable, number>;
          for (const table of COPIED_TABLES) {
            stage = table;
            // The key moves to its own settings row below; SQLite's settings never sign anything.
            const skip =
              table === 'settings' ? (row: Record<string, unknown>) => row.name === LEDGER_KEY_SETTING : () => false;
            copied[table] = await copyTable(db, tx, table, skip, (rows) => {
              done += rows;
              options.onProgress?.(done, total);
            });
          }
          stage = 'the ledger key and the units id';
          if (key.pem !== undefined) {
            await tx.run('INSERT INTO settings (name, value) VALUES (?, ?)', [LEDGER_KEY_SETTING, key.pem]);
            copied.settings++;
          }
          // Ids were copied as they were: new units must be numbered after them.
          await tx.run(
            `SELECT setval(pg_get_serial_sequence('units', 'id'), COALESCE(MAX(id), 1), MAX(id) IS NOT NULL) FROM units`,
          );
          await tx.run(
            `SELECT setval(pg_get_serial_sequence('ledger_heads', 'seq'), COALESCE(MAX(seq), 1), MAX(seq) IS NOT NULL)
             FROM ledger_heads`,
          );
          for (const table of COPIED_TABLES) {
            const { n } = (await tx.get<{ n: number }>(`SELECT COUNT(*) AS n FROM ${table}`))!;
            if (n !== copied[table]) throw new Error(`${table}: ${copied[table]} rows copied but ${n} arrived`);
          }
          return copied;
        })
        .catch((err: Error) => {
          if (err instanceof CopyRefused) throw err;
          const where = redactUrl(options.to);
          throw new Error(`copying ${stage} into ${where} failed, so nothing was written (${err.message})`);
        });
      const rows = Object.values(tables).reduce((a, b) => a + b, 0);
      return { from: source.file, to: redactUrl(options.to), tables, rows, ledgerKey: key.from };
    } finally {
      if (db.inTransaction) db.prepare('COMMIT').run();
    }
  } finally {
    await target?.close();
    await sqlite.close();
  }
}
