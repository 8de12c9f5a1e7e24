// Chooses the backend: PostgreSQL for a postgres:// URL (flag or DATABASE_URL), else the
// SQLite file under the data dir.
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { BUILT_IN_GENERATORS } from '../generators/built-in.js';
import { loadOrCreateServerKey } from '../ledger.js';
import { DB_FILE } from '../paths.js';
import { PostgresStore } from './postgres/pg-store.js';
import { SqliteStore } from './sqlite/sqlite-store.js';
import type { SqlStore } from './sql-store.js';

export interface StoreLocation {
  dataDir: string;
  /** A postgres:// or postgresql:// URL; SQLite under `dataDir` when absent. */
  databaseUrl?: string | undefined;
}

export const isPostgresUrl = (url: string) => /^postgres(ql)?:\/\//i.test(url);

/** The database URL to use: the flag's, else DATABASE_URL's; an unusable URL is an error. */
export function databaseUrlFrom(flag: string | undefined, env = process.env.DATABASE_URL): string | undefined {
  const url = flag ?? (env ? env : undefined);
  if (url !== undefined && !isPostgresUrl(url)) {
    throw new Error(
      `the database URL must start with postgres:// or postgresql:// (got ${JSON.stringify(url.slice(0, 40))})`,
    );
  }
  return url;
}

/** Opens the store with the built-in work generators registered. */
export async function openStore(location: StoreLocation): Promise<SqlStore> {
  const store = await openBackend(location);
  for (const generator of BUILT_IN_GENERATORS) store.registerGenerator(generator);
  return store;
}

async function openBackend(location: StoreLocation): Promise<SqlStore> {
  if (location.databaseUrl) return PostgresStore.open(location.databaseUrl);
  mkdirSync(location.dataDir, { recursive: true });
  return new SqliteStore(join(resolve(location.dataDir), DB_FILE), { key: loadOrCreateServerKey(location.dataDir) });
}
