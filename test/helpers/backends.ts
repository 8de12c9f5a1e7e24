// The store backends a test can run on: SQLite always; PostgreSQL when the test run has a
// database (DATABASE_URL, which vitest.config.ts moves to SC_TEST_DATABASE_URL so that servers
// the tests spawn stay on SQLite unless a test says otherwise). Each PostgreSQL use gets a
// database of its own, dropped afterwards. In CI a missing PostgreSQL is a failure, not a skip.
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { PostgresStore } from '../../src/server/store/postgres/pg-store.js';
import type { SqlStore } from '../../src/server/store/sql-store.js';
import { SqliteStore } from '../../src/server/store/sqlite/sqlite-store.js';

export type BackendName = 'sqlite' | 'postgres';

export const TEST_DATABASE_URL = process.env.SC_TEST_DATABASE_URL ?? process.env.DATABASE_URL ?? '';

/** Why PostgreSQL tests cannot run here, or undefined when they can. Throws in CI. */
export function postgresMissing(): string | undefined {
  if (TEST_DATABASE_URL) return undefined;
  const reason = 'DATABASE_URL is unset, so the PostgreSQL half is skipped (set it to postgres://… to run it)';
  if (process.env.CI === 'true' || process.env.CI === '1') {
    throw new Error(`CI must run the PostgreSQL tests, but ${reason}`);
  }
  return reason;
}

let warned = false;
/** The backends to run a suite on, printing once why PostgreSQL is skipped. */
export function availableBackends(): BackendName[] {
  const missing = postgresMissing();
  if (missing && !warned) {
    warned = true;
    console.log(`skip: ${missing}`);
  }
  return missing ? ['sqlite'] : ['sqlite', 'postgres'];
}

/** The backend the integration suites run on: `SC_TEST_STORE=postgres` (the postgres vitest project). */
export const suiteBackend: BackendName = process.env.SC_TEST_STORE === 'postgres' ? 'postgres' : 'sqlite';

export interface TestDatabase {
  url: string;
  drop(): Promise<void>;
}

/** A fresh, empty PostgreSQL database on the test server. */
export async function createTestDatabase(label = 'test'): Promise<TestDatabase> {
  if (!TEST_DATABASE_URL) throw new Error(postgresMissing() ?? 'no PostgreSQL');
  const name = `sc_${label
    .replace(/[^a-z0-9]/gi, '')
    .toLowerCase()
    .slice(0, 20)}_${process.pid}_${randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: TEST_DATABASE_URL });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${name}`);
  } finally {
    await admin.end();
  }
  const url = new URL(TEST_DATABASE_URL);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    drop: async () => {
      const client = new pg.Client({ connectionString: TEST_DATABASE_URL });
      await client.connect();
      try {
        await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      } finally {
        await client.end();
      }
    },
  };
}

export interface TestStore {
  store: SqlStore;
  /** The PostgreSQL URL, for servers and commands a test starts on the same database. */
  url?: string;
  close(): Promise<void>;
}

/** A store on an empty database of the given backend; close() also drops a PostgreSQL database. */
export async function openTestStore(
  backend: BackendName,
  options: { random?: () => number; label?: string } = {},
): Promise<TestStore> {
  if (backend === 'sqlite') {
    const store = new SqliteStore(':memory:', options);
    return { store, close: () => store.close() };
  }
  const database = await createTestDatabase(options.label);
  const store = await PostgresStore.open(database.url, options);
  return {
    store,
    url: database.url,
    close: async () => {
      await store.close();
      await database.drop();
    },
  };
}

export interface SuiteDatabase {
  /** For startServer / `--database-url`: undefined on SQLite, where the data dir holds the store. */
  databaseUrl: string | undefined;
  /** CLI flags that point a command at the same store as the server. */
  storeFlags(dataDir: string): string[];
  drop(): Promise<void>;
}

/** Where a suite's server keeps its store: a fresh PostgreSQL database, or SQLite in the data dir. */
export async function suiteDatabase(label: string): Promise<SuiteDatabase> {
  if (suiteBackend === 'sqlite') {
    return { databaseUrl: undefined, storeFlags: (dataDir) => ['--data-dir', dataDir], drop: async () => {} };
  }
  const database = await createTestDatabase(label);
  return {
    databaseUrl: database.url,
    storeFlags: () => ['--database-url', database.url],
    drop: () => database.drop(),
  };
}
