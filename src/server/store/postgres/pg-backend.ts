// The SQL port on PostgreSQL (`pg`). Any number of server processes share one database: rows a
// transaction picks to lease are locked with SKIP LOCKED, ledger appends are serialised by a
// transaction-scoped advisory lock, background sweeps run in one process at a time through a
// try-lock, and a transaction the database aborts (deadlock, serialisation, a unique key two
// servers raced for) is run again from the start.
import pg from 'pg';
import { latestVersion, pendingMigrations, SchemaError } from '../migrations.js';
import {
  lockKey,
  storableText,
  type SqlBackend,
  type SqlParam,
  type SqlTx,
  type SqlType,
  type TransactionOptions,
} from '../sql.js';
import { POSTGRES_BASELINE, POSTGRES_MIGRATIONS } from './schema.js';

const LEDGER_LOCK = lockKey('sparecycles:ledger');
const MIGRATION_LOCK = lockKey('sparecycles:migrate');
/** deadlock_detected, serialization_failure, unique_violation (two servers raced for one key). */
const RETRYABLE = new Set(['40P01', '40001', '23505']);
const MAX_ATTEMPTS = 6;

// COUNT(*) and SUM() come back as int8/numeric, which pg returns as strings: every count we read
// fits a double exactly, so they are numbers here as in SQLite.
const TYPES = {
  getTypeParser: ((oid: number, format?: string) => {
    if (oid === 20 || oid === 1700) return (value: string) => Number(value);
    return pg.types.getTypeParser(oid, format as 'text');
  }) as typeof pg.types.getTypeParser,
};

/** `?` placeholders to `$1…$n`, outside quoted strings and identifiers; cached by text. */
const translated = new Map<string, string>();
export function toPositional(sql: string): string {
  let out = translated.get(sql);
  if (out !== undefined) return out;
  out = '';
  let n = 0;
  let quote: string | undefined;
  for (const ch of sql) {
    if (quote) {
      if (ch === quote) quote = undefined;
      out += ch;
    } else if (ch === "'" || ch === '"') {
      quote = ch;
      out += ch;
    } else if (ch === '?') {
      out += `$${++n}`;
    } else {
      out += ch;
    }
  }
  if (translated.size > 5000) translated.clear();
  translated.set(sql, out);
  return out;
}

// PostgreSQL text cannot hold U+0000: a key looked up with one matches nothing, as in SQLite,
// and text the store keeps was made storable already (storableText).
const values = (params: readonly SqlParam[]) =>
  params.map((p) =>
    typeof p === 'string' ? storableText(p) : p instanceof Uint8Array && !Buffer.isBuffer(p) ? Buffer.from(p) : p,
  );

interface Queryable {
  query(text: string, values?: unknown[]): Promise<pg.QueryResult>;
  query(config: pg.QueryArrayConfig): Promise<pg.QueryArrayResult>;
}

const PG_TYPES: Record<SqlType, string> = { text: 'text', integer: 'bigint', real: 'double precision', blob: 'bytea' };

function runnerOn(client: Queryable): SqlTx {
  let ledgerLocked = false;
  return {
    all: async <T>(sql: string, params: readonly SqlParam[] = []) =>
      (await client.query(toPositional(sql), values(params))).rows as T[],
    get: async <T>(sql: string, params: readonly SqlParam[] = []) =>
      (await client.query(toPositional(sql), values(params))).rows[0] as T | undefined,
    arrays: async <T extends unknown[]>(sql: string, params: readonly SqlParam[] = []) =>
      (await client.query({ text: toPositional(sql), values: values(params), rowMode: 'array' })).rows as T[],
    run: async (sql: string, params: readonly SqlParam[] = []) =>
      (await client.query(toPositional(sql), values(params))).rowCount ?? 0,
    // NO KEY UPDATE: as strong as two writers of one row need, and no conflict with the KEY SHARE
    // locks that foreign-key checks take (a lease insert checks its unit and volunteer).
    skipLocked: (alias: string) => `FOR NO KEY UPDATE OF ${alias} SKIP LOCKED`,
    forUpdate: 'FOR NO KEY UPDATE',
    indexedBy: () => '',
    typed: (type: SqlType) => `CAST(? AS ${PG_TYPES[type]})`,
    lockLedger: async () => {
      if (ledgerLocked) return;
      await client.query('SELECT pg_advisory_xact_lock($1)', [LEDGER_LOCK]);
      ledgerLocked = true;
    },
  };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The URL without its password, for messages. */
export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '…';
    return parsed.toString();
  } catch {
    return 'the database URL';
  }
}

export class PostgresBackend implements SqlBackend {
  readonly dialect = 'postgres';
  private readonly direct: SqlTx;

  private constructor(private readonly pool: pg.Pool) {
    this.direct = runnerOn(pool);
  }

  /** Connects, and brings the schema up to date under a lock (safe when many servers start at once). */
  static async connect(url: string, options: { poolSize?: number } = {}): Promise<PostgresBackend> {
    const pool = new pg.Pool({ connectionString: url, max: options.poolSize ?? 10, types: TYPES });
    // An idle client losing its connection must not crash the server; the next query reconnects.
    pool.on('error', () => undefined);
    const backend = new PostgresBackend(pool);
    try {
      await backend.migrate(url);
    } catch (err) {
      await pool.end();
      if (err instanceof SchemaError) throw err;
      throw new SchemaError(`cannot use PostgreSQL at ${redactUrl(url)}: ${(err as Error).message}`);
    }
    return backend;
  }

  private async migrate(url: string): Promise<void> {
    const client = await this.pool.connect();
    try {
      await client.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK]);
      await client.query(
        `CREATE TABLE IF NOT EXISTS sc_schema (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at BIGINT NOT NULL)`,
      );
      const current = Number((await client.query('SELECT COALESCE(MAX(version), 0) AS v FROM sc_schema')).rows[0].v);
      for (const migration of pendingMigrations(POSTGRES_MIGRATIONS, current, redactUrl(url), POSTGRES_BASELINE)) {
        await client.query('BEGIN');
        try {
          await client.query(migration.sql);
          await client.query('INSERT INTO sc_schema (version, name, applied_at) VALUES ($1, $2, $3)', [
            migration.version,
            migration.name,
            Date.now(),
          ]);
          await client.query('COMMIT');
        } catch (err) {
          await client.query('ROLLBACK');
          throw err;
        }
      }
    } finally {
      await client.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK]).catch(() => undefined);
      client.release();
    }
  }

  static readonly schemaVersion = latestVersion(POSTGRES_MIGRATIONS);

  all<T>(sql: string, params?: readonly SqlParam[]): Promise<T[]> {
    return this.direct.all<T>(sql, params);
  }

  get<T>(sql: string, params?: readonly SqlParam[]): Promise<T | undefined> {
    return this.direct.get<T>(sql, params);
  }

  run(sql: string, params?: readonly SqlParam[]): Promise<number> {
    return this.direct.run(sql, params);
  }

  async transaction<T>(fn: (tx: SqlTx) => Promise<T>, options: TransactionOptions = {}): Promise<T> {
    const result = await this.attempt(async (client) => {
      const tx = runnerOn(client);
      if (options.lock === 'ledger') await tx.lockLedger();
      return { value: await fn(tx) };
    });
    return result!.value;
  }

  async sweep<T>(name: string, fn: (tx: SqlTx) => Promise<T>): Promise<T | undefined> {
    const result = await this.attempt(async (client) => {
      const { rows } = await client.query('SELECT pg_try_advisory_xact_lock($1) AS ok', [lockKey(`sweep:${name}`)]);
      if (!rows[0].ok) return undefined;
      return { value: await fn(runnerOn(client)) };
    });
    return result?.value;
  }

  async exclusive<T>(name: string, fn: () => Promise<T>): Promise<T> {
    const client = await this.pool.connect();
    const key = lockKey(`exclusive:${name}`);
    try {
      await client.query('SELECT pg_advisory_lock($1)', [key]);
      return await fn();
    } finally {
      await client.query('SELECT pg_advisory_unlock($1)', [key]).catch(() => undefined);
      client.release();
    }
  }

  /** One transaction on one pooled connection, tried again when the database aborted it. */
  private async attempt<T>(body: (client: pg.PoolClient) => Promise<T>): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      const client = await this.pool.connect();
      let broken = false;
      try {
        await client.query('BEGIN');
        const result = await body(client);
        await client.query('COMMIT');
        return result;
      } catch (err) {
        await client.query('ROLLBACK').catch(() => {
          broken = true;
        });
        const code = (err as { code?: string }).code;
        if (!code || !RETRYABLE.has(code) || attempt >= MAX_ATTEMPTS) throw err;
      } finally {
        client.release(broken);
      }
      await sleep(Math.random() * 5 * attempt);
    }
  }

  async close(): Promise<void> {
    await this.pool.end();
  }
}
