// The server under test: an empty store (SQLite in memory, or a PostgreSQL database of its own
// under SC_TEST_STORE=postgres) and the app (driven by app.inject, no sockets) on the test's
// clock and seeded randomness, and a write log on the store's database that tells whether a
// request wrote anything.
import { createHash } from 'node:crypto';
import type Database from 'better-sqlite3';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../../../src/server/app.js';
import type { SqlBackend } from '../../../src/server/store/sql.js';
import type { SqlStore } from '../../../src/server/store/sql-store.js';
import { SqliteStore } from '../../../src/server/store/sqlite/sqlite-store.js';
import { openTestStore, suiteBackend, type TestStore } from '../../helpers/backends.js';
import { serverRandom } from './prng.js';

/** The test's clock: leases expire when the test says so (store.expireLeases). */
export const clock = { now: 1_900_000_000_000 };

/** Tells whether anything was written: equal marks mean nothing was; a digest covers every row. */
export interface WriteLog {
  mark(): Promise<string>;
  since(mark: string): Promise<string>;
  digest(): Promise<string>;
}

export interface Harness {
  store: SqlStore;
  app: FastifyInstance;
  writes: WriteLog;
}
/** Filled by startHarness(). */
export const harness = {} as Harness;
let opened: TestStore | undefined;

export async function startHarness(): Promise<void> {
  opened = await openTestStore(suiteBackend, { random: serverRandom, label: 'fuzz' });
  const store = opened.store;
  const app = await buildApp({ store, clock: () => clock.now, expiryIntervalMs: 2 ** 31 - 1 });
  const writes =
    store instanceof SqliteStore ? new SqliteWriteLog(sqliteHandle(store)) : await PostgresWriteLog.install(store.sql);
  Object.assign(harness, { store, app, writes });
}

export async function stopHarness(): Promise<void> {
  await harness.app?.close();
  await opened?.close();
}

/** The store's private better-sqlite3 handle (`raw` today; found by its shape should it be renamed). */
function sqliteHandle(target: SqliteStore): Database.Database {
  const candidates = [
    (target as unknown as Record<string, unknown>).raw,
    (target as unknown as Record<string, unknown>).db,
    ...Object.values(target as unknown as Record<string, unknown>),
  ];
  for (const c of candidates) {
    const d = c as Partial<Database.Database> | undefined;
    if (d && typeof d.exec === 'function' && typeof d.prepare === 'function' && typeof d.pragma === 'function') {
      return d as Database.Database;
    }
  }
  throw new Error('SqliteStore no longer exposes its better-sqlite3 handle; update sqliteHandle() in this test');
}

function digestRows(hash: ReturnType<typeof createHash>, table: string, rows: Iterable<unknown[]>): void {
  hash.update(`#${table}\n`);
  for (const row of rows) {
    for (const value of row) {
      if (Buffer.isBuffer(value)) hash.update(value);
      else hash.update(String(value));
      hash.update('\u0001');
    }
    hash.update('\n');
  }
}

/**
 * TEMP triggers log every committed INSERT/UPDATE/DELETE on every table into a TEMP table (a
 * rolled-back transaction drops its log rows with it), so an UPDATE by a refused request is caught
 * as surely as an INSERT. The temp schema is private to this connection; the database is untouched.
 */
class SqliteWriteLog implements WriteLog {
  private readonly tables: string[];
  private readonly markStatement: Database.Statement;
  private readonly digestStatements = new Map<string, Database.Statement>();

  constructor(private readonly db: Database.Database) {
    this.tables = (
      db
        .prepare(`SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name`)
        .all() as { name: string }[]
    ).map((t) => t.name);
    db.exec('CREATE TEMP TABLE fuzz_writes (id INTEGER PRIMARY KEY, tbl TEXT NOT NULL, op TEXT NOT NULL)');
    for (const table of this.tables) {
      for (const op of ['INSERT', 'UPDATE', 'DELETE']) {
        db.exec(
          `CREATE TEMP TRIGGER "fuzz_${table}_${op}" AFTER ${op} ON main."${table}"
           BEGIN INSERT INTO fuzz_writes (tbl, op) VALUES ('${table}', '${op}'); END`,
        );
      }
    }
    this.markStatement = db
      .prepare(
        `SELECT ${this.tables.map((t) => `(SELECT COUNT(*) FROM main."${t}")`).join(', ')},
                (SELECT COALESCE(MAX(id), 0) FROM temp.fuzz_writes)`,
      )
      .raw();
    for (const t of this.tables) {
      this.digestStatements.set(t, db.prepare(`SELECT * FROM main."${t}" ORDER BY rowid`).raw());
    }
  }

  /** Row counts of every table plus the write log's head: equal marks mean nothing was written. */
  async mark(): Promise<string> {
    return (this.markStatement.get() as number[]).join(',');
  }

  /** What was written since `mark`, for a report. */
  async since(mark: string): Promise<string> {
    const before = mark.split(',').map(Number);
    const after = (await this.mark()).split(',').map(Number);
    const counts = this.tables
      .map((t, i) => (before[i] !== after[i] ? `${t} ${before[i]}→${after[i]} rows` : ''))
      .filter(Boolean);
    const log = this.db
      .prepare('SELECT tbl, op, COUNT(*) AS n FROM temp.fuzz_writes WHERE id > ? GROUP BY tbl, op')
      .all(before[before.length - 1]) as { tbl: string; op: string; n: number }[];
    return [...counts, ...log.map((l) => `${l.n}× ${l.op} ${l.tbl}`)].join(', ');
  }

  /** A digest of every row of every table. */
  async digest(): Promise<string> {
    const hash = createHash('sha256');
    for (const [table, statement] of this.digestStatements) {
      digestRows(hash, table, statement.iterate() as Iterable<unknown[]>);
    }
    return hash.digest('hex');
  }
}

/**
 * The same on PostgreSQL: row triggers log every committed INSERT/UPDATE/DELETE into a log table
 * (a rolled-back transaction drops its log rows with it).
 */
class PostgresWriteLog implements WriteLog {
  private constructor(
    private readonly sql: SqlBackend,
    private readonly tables: string[],
  ) {}

  static async install(sql: SqlBackend): Promise<PostgresWriteLog> {
    const tables = (
      await sql.all<{ name: string }>(
        `SELECT table_name AS name FROM information_schema.tables
         WHERE table_schema = current_schema() AND table_type = 'BASE TABLE' ORDER BY table_name`,
      )
    ).map((t) => t.name);
    await sql.run('CREATE TABLE fuzz_writes (id BIGSERIAL PRIMARY KEY, tbl TEXT NOT NULL, op TEXT NOT NULL)');
    await sql.run(`CREATE FUNCTION fuzz_log() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN INSERT INTO fuzz_writes (tbl, op) VALUES (TG_TABLE_NAME, TG_OP); RETURN NULL; END $$`);
    for (const table of tables) {
      await sql.run(
        `CREATE TRIGGER "fuzz_${table}" AFTER INSERT OR UPDATE OR DELETE ON "${table}"
         FOR EACH ROW EXECUTE FUNCTION fuzz_log()`,
      );
    }
    return new PostgresWriteLog(sql, tables);
  }

  async mark(): Promise<string> {
    const row = await this.sql.get<Record<string, number>>(
      `SELECT ${this.tables.map((t, i) => `(SELECT COUNT(*) FROM "${t}") AS c${i}`).join(', ')},
              (SELECT COALESCE(MAX(id), 0) FROM fuzz_writes) AS head`,
    );
    return [...this.tables.map((_, i) => row![`c${i}`]), row!.head].join(',');
  }

  async since(mark: string): Promise<string> {
    const before = mark.split(',').map(Number);
    const after = (await this.mark()).split(',').map(Number);
    const counts = this.tables
      .map((t, i) => (before[i] !== after[i] ? `${t} ${before[i]}→${after[i]} rows` : ''))
      .filter(Boolean);
    const log = await this.sql.all<{ tbl: string; op: string; n: number }>(
      'SELECT tbl, op, COUNT(*) AS n FROM fuzz_writes WHERE id > ? GROUP BY tbl, op',
      [before[before.length - 1]!],
    );
    return [...counts, ...log.map((l) => `${l.n}× ${l.op} ${l.tbl}`)].join(', ');
  }

  async digest(): Promise<string> {
    const hash = createHash('sha256');
    for (const table of this.tables) {
      const rows = await this.sql.all<Record<string, unknown>>(`SELECT * FROM "${table}" ORDER BY 1`);
      digestRows(
        hash,
        table,
        rows.map((r) => Object.values(r)),
      );
    }
    return hash.digest('hex');
  }
}
