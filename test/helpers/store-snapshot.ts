// Every row of every table of a SqliteStore: two equal snapshots mean nothing was written in
// between (the bad-input tests take one before and after each refused request or command).
import type { Store } from '../../src/server/store/store.js';

export function storeSnapshot(store: Store): Record<string, unknown[]> {
  const db = (store as unknown as { db?: { prepare(sql: string): { all(): unknown[] } } }).db;
  if (!db) throw new Error('SqliteStore no longer exposes its database as `.db`; update storeSnapshot()');
  const tables = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").all() as {
    name: string;
  }[];
  return Object.fromEntries(
    tables.map(({ name }) => [name, db.prepare(`SELECT * FROM "${name}" ORDER BY rowid`).all()]),
  );
}
