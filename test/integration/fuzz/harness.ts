// The server under test: an in-memory store and the app (driven by app.inject, no sockets) on the
// test's clock and seeded randomness, and a write log on the store's database that tells whether a
// request wrote anything.
import { createHash } from 'node:crypto';
import type Database from 'better-sqlite3';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../../../src/server/app.js';
import { SqliteStore } from '../../../src/server/store/sqlite/sqlite-store.js';
import { serverRandom } from './prng.js';

/** The test's clock: leases expire when the test says so (store.expireLeases). */
export const clock = { now: 1_900_000_000_000 };

export interface Harness {
  store: SqliteStore;
  app: FastifyInstance;
  writes: WriteLog;
}
/** Filled by startHarness(). */
export const harness = {} as Harness;

export async function startHarness(): Promise<void> {
  const store = new SqliteStore(':memory:', { random: serverRandom });
  const app = await buildApp({ store, clock: () => clock.now, expiryIntervalMs: 2 ** 31 - 1 });
  Object.assign(harness, { store, app, writes: new WriteLog(sqliteHandle(store)) });
}

export async function stopHarness(): Promise<void> {
  await harness.app?.close();
  await harness.store?.close();
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

/**
 * TEMP triggers log every committed INSERT/UPDATE/DELETE on every table into a TEMP table (a
 * rolled-back transaction drops its log rows with it), so an UPDATE by a refused request is caught
 * as surely as an INSERT. The temp schema is private to this connection; the database is untouched.
 */
export class WriteLog {
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
  mark(): string {
    return (this.markStatement.get() as number[]).join(',');
  }

  /** What was written since `mark`, for a report. */
  since(mark: string): string {
    const before = mark.split(',').map(Number);
    const after = this.mark().split(',').map(Number);
    const counts = this.tables
      .map((t, i) => (before[i] !== after[i] ? `${t} ${before[i]}→${after[i]} rows` : ''))
      .filter(Boolean);
    const log = this.db
      .prepare('SELECT tbl, op, COUNT(*) AS n FROM temp.fuzz_writes WHERE id > ? GROUP BY tbl, op')
      .all(before[before.length - 1]) as { tbl: string; op: string; n: number }[];
    return [...counts, ...log.map((l) => `${l.n}× ${l.op} ${l.tbl}`)].join(', ');
  }

  /** A digest of every row of every table. */
  digest(): string {
    const hash = createHash('sha256');
    for (const [table, statement] of this.digestStatements) {
      hash.update(`#${table}\n`);
      for (const row of statement.iterate() as Iterable<unknown[]>) {
        for (const value of row) {
          if (Buffer.isBuffer(value)) hash.update(value);
          else hash.update(String(value));
          hash.update('\u0001');
        }
        hash.update('\n');
      }
    }
    return hash.digest('hex');
  }
}
