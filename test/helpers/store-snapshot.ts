// Every row of every table of a store, on either backend: two equal snapshots mean nothing was
// written in between (the bad-input tests take one before and after each refused request or
// command). Every table's first column is its primary key, so ordering by it is stable.
import type { SqlStore } from '../../src/server/store/sql-store.js';
import type { Store } from '../../src/server/store/store.js';

export async function storeSnapshot(store: Store): Promise<Record<string, unknown[]>> {
  const sql = (store as SqlStore).sql;
  if (!sql) throw new Error('the store has no SQL backend (`.sql`); update storeSnapshot()');
  const tables =
    sql.dialect === 'sqlite'
      ? await sql.all<{ name: string }>(
          "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name",
        )
      : await sql.all<{ name: string }>(
          `SELECT table_name AS name FROM information_schema.tables
           WHERE table_schema = current_schema() AND table_type = 'BASE TABLE' ORDER BY table_name`,
        );
  const snapshot: Record<string, unknown[]> = {};
  for (const { name } of tables) snapshot[name] = await sql.all(`SELECT * FROM "${name}" ORDER BY 1`);
  return snapshot;
}
