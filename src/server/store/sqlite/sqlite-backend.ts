// The SQL port on better-sqlite3. One connection, so every operation is queued behind the
// transaction in progress (a read never sees another request's uncommitted writes); WAL mode
// makes a committed transaction survive `kill -9`. Locks across processes are not needed: one
// server process owns a SQLite file (`serve --workers` refuses more on SQLite).
import Database from 'better-sqlite3';
import { pendingMigrations, SchemaError } from '../migrations.js';
import type { SqlBackend, SqlParam, SqlTx } from '../sql.js';
import { Checkpointer } from './checkpointer.js';
import { SQLITE_BASELINE, SQLITE_MIGRATIONS } from './schema.js';
import { cachedStatements, type Prepares } from './statement-cache.js';
import { statementProfile } from './statement-profile.js';

const bind = (params: readonly SqlParam[]) =>
  params.map((p) => (p instanceof Uint8Array && !Buffer.isBuffer(p) ? Buffer.from(p) : p));

export class SqliteBackend implements SqlBackend {
  readonly dialect = 'sqlite';
  readonly raw: Database.Database;
  readonly db: Prepares;
  private tail: Promise<unknown> = Promise.resolve();
  private readonly named = new Map<string, Promise<unknown>>();
  private readonly tx: SqlTx;
  private readonly time: <T>(sql: string, run: () => T) => T;
  private readonly checkpointer: Checkpointer;

  constructor(file: string) {
    this.raw = new Database(file);
    this.raw.pragma('journal_mode = WAL');
    this.raw.pragma('synchronous = NORMAL');
    this.raw.pragma('busy_timeout = 5000');
    this.raw.pragma('foreign_keys = ON');
    // A page cache that holds the hot parts of a large store (32 MiB; SQLite's default is 2 MiB).
    this.raw.pragma('cache_size = -32768');
    try {
      this.migrate(file);
    } catch (err) {
      this.raw.close();
      throw err;
    }
    this.checkpointer = new Checkpointer(this.raw, file);
    this.db = cachedStatements(this.raw);
    const db = this.db;
    // Statements that return arrays are kept apart: raw mode is a setting of the statement.
    const arrays = cachedStatements(this.raw, (statement) => statement.raw(true));
    const profile = statementProfile();
    const time = (this.time = profile ? (sql, run) => profile.time(sql, run) : (_, run) => run());
    this.tx = {
      all: async <T>(sql: string, params: readonly SqlParam[] = []) =>
        time(sql, () => db.prepare(sql).all(...bind(params)) as T[]),
      get: async <T>(sql: string, params: readonly SqlParam[] = []) =>
        time(sql, () => db.prepare(sql).get(...bind(params)) as T | undefined),
      arrays: async <T extends unknown[]>(sql: string, params: readonly SqlParam[] = []) =>
        time(sql, () => arrays.prepare(sql).all(...bind(params)) as T[]),
      run: async (sql: string, params: readonly SqlParam[] = []) =>
        time(sql, () => db.prepare(sql).run(...bind(params)).changes),
      skipLocked: () => '',
      forUpdate: '',
      indexedBy: (index: string) => `INDEXED BY ${index}`,
      typed: () => '?',
      // One connection, every transaction BEGIN IMMEDIATE: they are serialised already.
      lockLedger: async () => undefined,
    };
  }

  private migrate(file: string): void {
    const current = this.raw.pragma('user_version', { simple: true }) as number;
    const tables = (
      this.raw.prepare(`SELECT COUNT(*) AS n FROM sqlite_master WHERE type = 'table'`).get() as {
        n: number;
      }
    ).n;
    if (tables > 0 && current === 0) {
      throw new SchemaError(`${file} is not a Spare Cycles database (it has tables but no schema version)`);
    }
    for (const migration of pendingMigrations(SQLITE_MIGRATIONS, current, file, SQLITE_BASELINE)) {
      this.raw
        .transaction(() => {
          this.raw.exec(migration.sql);
          this.raw.pragma(`user_version = ${migration.version}`);
        })
        .immediate();
    }
  }

  /** Runs `fn` after everything queued before it, alone on the connection. */
  private serial<T>(fn: () => T | Promise<T>): Promise<T> {
    const result = this.tail.then(fn);
    this.tail = result.catch(() => undefined);
    return result;
  }

  all<T>(sql: string, params: readonly SqlParam[] = []): Promise<T[]> {
    return this.serial(() => this.tx.all<T>(sql, params));
  }

  get<T>(sql: string, params: readonly SqlParam[] = []): Promise<T | undefined> {
    return this.serial(() => this.tx.get<T>(sql, params));
  }

  run(sql: string, params: readonly SqlParam[] = []): Promise<number> {
    return this.serial(() => this.tx.run(sql, params));
  }

  transaction<T>(fn: (tx: SqlTx) => Promise<T>): Promise<T> {
    return this.serial(async () => {
      this.time('BEGIN IMMEDIATE', () => this.db.prepare('BEGIN IMMEDIATE').run());
      try {
        const result = await fn(this.tx);
        this.time('COMMIT', () => this.db.prepare('COMMIT').run());
        this.checkpointer.committed();
        return result;
      } catch (err) {
        if (this.raw.inTransaction) this.db.prepare('ROLLBACK').run();
        throw err;
      }
    });
  }

  sweep<T>(_name: string, fn: (tx: SqlTx) => Promise<T>): Promise<T | undefined> {
    return this.transaction(fn);
  }

  exclusive<T>(name: string, fn: () => Promise<T>): Promise<T> {
    const result = (this.named.get(name) ?? Promise.resolve()).then(fn);
    this.named.set(
      name,
      result.catch(() => undefined),
    );
    return result;
  }

  async close(): Promise<void> {
    await this.tail;
    await this.checkpointer.close();
    if (this.raw.open) this.raw.close();
  }
}
