// RuntimeStore on IndexedDB. One schema types every store, so a wrong store name or a write in
// a read-only transaction fails to compile. The database is opened on first use, never on
// import: the page must not touch storage before the volunteer clicks Start.
import { openDB, type DBSchema, type IDBPDatabase } from 'idb';
import type { Lease } from '../../protocol/api.js';
import type { Credentials, OutboxEntry, RuntimeStore } from '../ports.js';

export type ConsentChoice = 'running' | 'paused';

/** Small values kept by key. Service workers cannot read localStorage, so what they need lives here. */
export interface Settings {
  consent: ConsentChoice;
  credentials: Credentials;
  threads: number;
}
export type SettingKey = keyof Settings;

export interface KernelRecord {
  hash: string;
  bytes: Uint8Array;
}

export interface CheckpointRecord {
  lease: string;
  state: Uint8Array;
  savedAt: number;
}

export interface SpareCyclesDB extends DBSchema {
  units: { key: string; value: Lease };
  outbox: { key: string; value: OutboxEntry; indexes: { 'by-finished': number } };
  kernels: { key: string; value: KernelRecord };
  settings: { key: SettingKey; value: Settings[SettingKey] };
  checkpoints: { key: string; value: CheckpointRecord };
}

export const DB_NAME = 'sparecycles';
const DB_VERSION = 1;

export class IdbStore implements RuntimeStore {
  private opening: Promise<IDBPDatabase<SpareCyclesDB>> | undefined;

  constructor(private readonly name = DB_NAME) {}

  async getSetting<K extends SettingKey>(key: K): Promise<Settings[K] | undefined> {
    return (await (await this.db()).get('settings', key)) as Settings[K] | undefined;
  }

  async putSetting<K extends SettingKey>(key: K, value: Settings[K]): Promise<void> {
    await (await this.db()).put('settings', value, key);
  }

  getCredentials(): Promise<Credentials | undefined> {
    return this.getSetting('credentials');
  }

  async putCredentials(credentials: Credentials): Promise<void> {
    const db = await this.db();
    // Losing the identity would orphan the credit already earned, so it is flushed to disk.
    const tx = db.transaction('settings', 'readwrite', { durability: 'strict' });
    await Promise.all([tx.store.put(credentials, 'credentials'), tx.done]);
  }

  async listUnits(): Promise<Lease[]> {
    return (await this.db()).getAll('units');
  }

  async putUnits(leases: Lease[]): Promise<void> {
    if (leases.length === 0) return;
    const tx = (await this.db()).transaction('units', 'readwrite', { durability: 'strict' });
    await Promise.all([...leases.map((lease) => tx.store.put(lease)), tx.done]);
  }

  async finishUnit(entry: OutboxEntry): Promise<void> {
    const tx = (await this.db()).transaction(['outbox', 'units', 'checkpoints'], 'readwrite', {
      durability: 'strict',
    });
    // One transaction: after a crash the unit is either still queued or its result is in the
    // outbox, never both and never neither.
    await Promise.all([
      tx.objectStore('outbox').put(entry),
      tx.objectStore('units').delete(entry.lease),
      tx.objectStore('checkpoints').delete(entry.lease),
      tx.done,
    ]);
  }

  async dropUnit(lease: string): Promise<void> {
    const tx = (await this.db()).transaction(['units', 'checkpoints'], 'readwrite');
    await Promise.all([tx.objectStore('units').delete(lease), tx.objectStore('checkpoints').delete(lease), tx.done]);
  }

  async listOutbox(): Promise<OutboxEntry[]> {
    return (await this.db()).getAllFromIndex('outbox', 'by-finished');
  }

  async removeFromOutbox(leases: string[]): Promise<void> {
    if (leases.length === 0) return;
    const tx = (await this.db()).transaction('outbox', 'readwrite', { durability: 'strict' });
    await Promise.all([...leases.map((lease) => tx.store.delete(lease)), tx.done]);
  }

  async getKernel(hash: string): Promise<Uint8Array | undefined> {
    return (await (await this.db()).get('kernels', hash))?.bytes;
  }

  async putKernel(hash: string, bytes: Uint8Array): Promise<void> {
    await (await this.db()).put('kernels', { hash, bytes });
  }

  async getCheckpoint(lease: string): Promise<CheckpointRecord | undefined> {
    return (await this.db()).get('checkpoints', lease);
  }

  async putCheckpoint(lease: string, state: Uint8Array, savedAt: number): Promise<void> {
    await (await this.db()).put('checkpoints', { lease, state, savedAt });
  }

  /** Closes the connection; the next call opens it again. */
  close(): void {
    const opening = this.opening;
    this.opening = undefined;
    void opening?.then((db) => db.close()).catch(() => {});
  }

  private db(): Promise<IDBPDatabase<SpareCyclesDB>> {
    this.opening ??= openDB<SpareCyclesDB>(this.name, DB_VERSION, {
      upgrade(db, oldVersion) {
        if (oldVersion < 1) {
          db.createObjectStore('units', { keyPath: 'lease' });
          const outbox = db.createObjectStore('outbox', { keyPath: 'lease' });
          outbox.createIndex('by-finished', 'finishedAt');
          db.createObjectStore('kernels', { keyPath: 'hash' });
          db.createObjectStore('settings');
          db.createObjectStore('checkpoints', { keyPath: 'lease' });
        }
      },
      // A newer page in another tab wants to upgrade: step aside rather than block it forever.
      blocking: () => this.close(),
      // The browser closed the connection (storage cleared, disk error): reopen on next use.
      terminated: () => {
        this.opening = undefined;
      },
    }).catch((err: unknown) => {
      this.opening = undefined;
      throw err;
    });
    return this.opening;
  }
}
