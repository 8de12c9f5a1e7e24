// The embedded Store: the store written once (../sql-store.ts) on a SQLite file. The ledger
// key lives in a file beside the database (see loadOrCreateServerKey), or in memory for tests.
import type Database from 'better-sqlite3';
import { loadOrCreateServerKey, type ServerKey } from '../../ledger.js';
import { SqlStore, type SqlStoreOptions } from '../sql-store.js';
import { SqliteBackend } from './sqlite-backend.js';
import type { Prepares } from './statement-cache.js';

export interface SqliteStoreOptions extends SqlStoreOptions {
  /** The server's ledger key; an in-memory key when omitted (tests). */
  key?: ServerKey;
}

export class SqliteStore extends SqlStore {
  declare readonly sql: SqliteBackend;

  constructor(file: string, options: SqliteStoreOptions = {}) {
    super(new SqliteBackend(file), options.key ?? loadOrCreateServerKey(undefined), options);
  }

  /** The better-sqlite3 handle, for tests that inspect every table. */
  get raw(): Database.Database {
    return this.sql.raw;
  }

  get db(): Prepares {
    return this.sql.db;
  }
}
