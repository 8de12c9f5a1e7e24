import { SqliteStore } from '../../../src/server/store/sqlite/sqlite-store.js';
import { runStoreContract } from './contract.js';

runStoreContract('SQLite', async (random) => {
  const store = new SqliteStore(':memory:', { random });
  return { store, close: () => store.close() };
});
