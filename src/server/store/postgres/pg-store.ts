// The Store on PostgreSQL: the store written once (../sql-store.ts) over PostgresBackend. The
// ledger's Ed25519 key lives in the database (settings `ledger_key`), made by whichever server
// starts first, so every process signs with the same key and any of them can verify.
import { newServerKeyPem, parseServerKey, type ServerKey } from '../../ledger.js';
import { SqlStore, type SqlStoreOptions } from '../sql-store.js';
import { PostgresBackend } from './pg-backend.js';

export const LEDGER_KEY_SETTING = 'ledger_key';

export interface PostgresStoreOptions extends SqlStoreOptions {
  /** Overrides the key kept in the database (tests); never written there. */
  key?: ServerKey;
  poolSize?: number;
}

export class PostgresStore extends SqlStore {
  declare readonly sql: PostgresBackend;

  static async open(url: string, options: PostgresStoreOptions = {}): Promise<PostgresStore> {
    const backend = await PostgresBackend.connect(url, { poolSize: options.poolSize });
    try {
      await backend.run('INSERT INTO settings (name, value) VALUES (?, ?) ON CONFLICT DO NOTHING', [
        LEDGER_KEY_SETTING,
        newServerKeyPem(),
      ]);
      const row = await backend.get<{ value: string }>('SELECT value FROM settings WHERE name = ?', [
        LEDGER_KEY_SETTING,
      ]);
      const key = options.key ?? parseServerKey(row!.value, 'the ledger key in the database');
      return new PostgresStore(backend, key, options);
    } catch (err) {
      await backend.close();
      throw err;
    }
  }
}
