// The page's own results, kept in IndexedDB (a database of their own, beside the runtime's) so
// a reload still shows what this browser computed and what is still waiting for a second
// opinion. Opened on first use only: never before the volunteer has clicked Start.
import { deleteDB, openDB, type DBSchema, type IDBPDatabase } from 'idb';
import type { OwnResultStatus } from '../protocol/api.js';

export interface OwnResult {
  lease: string;
  unit: string;
  project: string;
  /** The unit's input as leased (base64), so a picture can place the result. */
  input: string;
  /** The output bytes; left out when they are too large to keep for pictures. */
  output?: Uint8Array;
  finishedAt: number;
  status: OwnResultStatus;
}

interface OwnResultsSchema extends DBSchema {
  results: { key: string; value: OwnResult; indexes: { 'by-finished': number } };
}

export const OWN_RESULTS_DB = 'sparecycles-own-results';

export class OwnResultsDb {
  private opening: Promise<IDBPDatabase<OwnResultsSchema>> | undefined;

  private db(): Promise<IDBPDatabase<OwnResultsSchema>> {
    this.opening ??= openDB<OwnResultsSchema>(OWN_RESULTS_DB, 1, {
      upgrade(db) {
        db.createObjectStore('results', { keyPath: 'lease' }).createIndex('by-finished', 'finishedAt');
      },
      blocking: () => this.close(),
    });
    return this.opening;
  }

  async all(): Promise<OwnResult[]> {
    return (await this.db()).getAllFromIndex('results', 'by-finished');
  }

  async put(results: readonly OwnResult[]): Promise<void> {
    if (results.length === 0) return;
    const tx = (await this.db()).transaction('results', 'readwrite', { durability: 'relaxed' });
    await Promise.all([...results.map((r) => tx.store.put(r)), tx.done]);
  }

  async remove(leases: readonly string[]): Promise<void> {
    if (leases.length === 0) return;
    const tx = (await this.db()).transaction('results', 'readwrite', { durability: 'relaxed' });
    await Promise.all([...leases.map((lease) => tx.store.delete(lease)), tx.done]);
  }

  close(): void {
    void this.opening?.then((db) => db.close());
    this.opening = undefined;
  }

  async destroy(): Promise<void> {
    this.close();
    await deleteDB(OWN_RESULTS_DB);
  }
}
