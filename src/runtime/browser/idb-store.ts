// RuntimeStore on IndexedDB. One schema types every store, so a wrong store name or a write in
// a read-only transaction fails to compile. The database is opened on first use, never on
// import: the page must not touch storage before the volunteer clicks Start.
import { deleteDB, openDB, type DBSchema, type IDBPDatabase, type StoreNames } from 'idb';
import type { Lease } from '../../protocol/api.js';
import type { Credentials, OutboxEntry, RuntimeStore } from '../ports.js';
import { isQuotaError, planEviction, type StoredItem } from '../quota-policy.js';

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
/** Freed beyond the failing write's own size when the quota is hit, so the next writes fit too. */
const EVICTION_SLACK_BYTES = 4 * 1024 * 1024;

type Durability = 'strict' | 'relaxed';

export class IdbStore implements RuntimeStore {
  private opening: Promise<IDBPDatabase<SpareCyclesDB>> | undefined;
  private running: ReadonlySet<string> = new Set();
  /** Called after an eviction, with what went (the page may log it). */
  onEvict: ((evicted: StoredItem[]) => void) | undefined;

  constructor(private readonly name = DB_NAME) {}

  setRunning(leases: readonly string[]): void {
    this.running = new Set(leases);
  }

  async getSetting<K extends SettingKey>(key: K): Promise<Settings[K] | undefined> {
    return (await (await this.db()).get('settings', key)) as Settings[K] | undefined;
  }

  async putSetting<K extends SettingKey>(key: K, value: Settings[K]): Promise<void> {
    // Consent and thread count are the volunteer's choices: kept durably.
    await this.put('settings', value, 'strict', key);
  }

  getCredentials(): Promise<Credentials | undefined> {
    return this.getSetting('credentials');
  }

  async putCredentials(credentials: Credentials): Promise<void> {
    // Losing the identity would orphan the credit already earned, so it is flushed to disk.
    await this.put('settings', credentials, 'strict', 'credentials');
  }

  async listUnits(): Promise<Lease[]> {
    const tx = (await this.db()).transaction(['units', 'outbox']);
    const [units, finished] = await Promise.all([
      tx.objectStore('units').getAll(),
      tx.objectStore('outbox').getAllKeys(),
    ]);
    const done = new Set(finished);
    return units.filter((unit) => !done.has(unit.lease));
  }

  async putUnits(leases: Lease[]): Promise<void> {
    if (leases.length === 0) return;
    const bytes = leases.reduce((sum, lease) => sum + lease.input.length, 0);
    await this.withQuota(bytes, async () => {
      const tx = (await this.db()).transaction('units', 'readwrite', { durability: 'strict' });
      await Promise.all([...leases.map((lease) => tx.store.put(lease)), tx.done]);
    });
  }

  async finishUnits(entries: OutboxEntry[]): Promise<void> {
    if (entries.length === 0) return;
    // Only the results are written here: a unit whose result is in the outbox is not listed, and
    // is deleted with its result once acknowledged, so a crash never runs it twice nor loses it.
    // A full disk makes room by evicting caches.
    const bytes = entries.reduce((sum, entry) => sum + (entry.output?.length ?? 0), 0);
    await this.withQuota(bytes, async () => {
      const tx = (await this.db()).transaction('outbox', 'readwrite', { durability: 'strict' });
      await Promise.all([...entries.map((entry) => tx.store.put(entry)), tx.done]);
    });
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
    const tx = (await this.db()).transaction(['outbox', 'units', 'checkpoints'], 'readwrite', {
      durability: 'strict',
    });
    const [outbox, units, checkpoints] = [
      tx.objectStore('outbox'),
      tx.objectStore('units'),
      tx.objectStore('checkpoints'),
    ];
    // Few units ever checkpoint: one key listing spares a delete per unit.
    const saved = new Set(await checkpoints.getAllKeys());
    await Promise.all([
      ...leases.flatMap((lease) => [
        outbox.delete(lease),
        units.delete(lease),
        ...(saved.has(lease) ? [checkpoints.delete(lease)] : []),
      ]),
      tx.done,
    ]);
  }

  async getKernel(hash: string): Promise<Uint8Array | undefined> {
    return (await (await this.db()).get('kernels', hash))?.bytes;
  }

  async putKernel(hash: string, bytes: Uint8Array): Promise<void> {
    // A cache: fetched again if lost, so relaxed durability is enough.
    await this.put('kernels', { hash, bytes }, 'relaxed');
  }

  async getCheckpoint(lease: string): Promise<Uint8Array | undefined> {
    return (await (await this.db()).get('checkpoints', lease))?.state;
  }

  async listCheckpoints(): Promise<string[]> {
    return (await this.db()).getAllKeys('checkpoints');
  }

  async putCheckpoint(lease: string, state: Uint8Array): Promise<void> {
    // Strict: the point of a checkpoint is to survive a crash.
    await this.put('checkpoints', { lease, state, savedAt: Date.now() }, 'strict');
  }

  async dropCheckpoint(lease: string): Promise<void> {
    await (await this.db()).delete('checkpoints', lease);
  }

  /** Deletes what planEviction picks to free `needBytes`; returns what went. */
  async evict(needBytes: number): Promise<StoredItem[]> {
    const db = await this.db();
    const [kernels, checkpoints, units] = await Promise.all([
      db.getAll('kernels'),
      db.getAll('checkpoints'),
      db.getAll('units'),
    ]);
    const items: StoredItem[] = [
      ...kernels.map((k) => ({ store: 'kernels' as const, key: k.hash, bytes: k.bytes.byteLength })),
      ...checkpoints.map((c) => ({ store: 'checkpoints' as const, key: c.lease, bytes: c.state.byteLength })),
      ...units.map((u) => ({ store: 'units' as const, key: u.lease, bytes: u.input.length, kernel: u.kernel })),
    ];
    const plan = planEviction(items, { running: this.running, needBytes });
    if (plan.length === 0) return plan;
    // Deleting needs no quota. The outbox is not in this transaction: results are never evicted.
    const tx = db.transaction(['kernels', 'checkpoints', 'units'], 'readwrite', { durability: 'strict' });
    await Promise.all([...plan.map((item) => tx.objectStore(item.store).delete(item.key)), tx.done]);
    this.onEvict?.(plan);
    return plan;
  }

  /** Runs a write; out of quota, evicts caches (see quota-policy.ts) and tries again, twice at most. */
  private async withQuota<T>(bytes: number, write: () => Promise<T>): Promise<T> {
    for (let attempt = 0; ; attempt++) {
      try {
        return await write();
      } catch (err) {
        if (!isQuotaError(err) || attempt >= 2) throw err;
        // The second time round, everything evictable goes.
        const need = attempt === 0 ? bytes + EVICTION_SLACK_BYTES : 0;
        if ((await this.evict(need)).length === 0) throw err;
      }
    }
  }

  private async put<N extends 'settings' | 'kernels' | 'checkpoints'>(
    store: N,
    value: SpareCyclesDB[N]['value'],
    durability: Durability,
    key?: SpareCyclesDB[N]['key'],
  ): Promise<void> {
    const bytes = typeof value === 'object' && 'bytes' in value ? value.bytes.byteLength : 0;
    await this.withQuota(bytes, async () => {
      const tx = (await this.db()).transaction(store, 'readwrite', { durability });
      await Promise.all([key === undefined ? tx.store.put(value) : tx.store.put(value, key), tx.done]);
    });
  }

  /** Closes the connection; the next call opens it again. */
  close(): void {
    const opening = this.opening;
    this.opening = undefined;
    void opening?.then((db) => db.close()).catch(() => {});
  }

  private db(): Promise<IDBPDatabase<SpareCyclesDB>> {
    this.opening ??= this.open().catch((err: unknown) => {
      this.opening = undefined;
      throw err;
    });
    return this.opening;
  }

  private async open(): Promise<IDBPDatabase<SpareCyclesDB>> {
    const db = await this.openAt().catch((err: unknown) => {
      if ((err as Error).name !== 'VersionError') throw err;
      throw new Error('this page is older than the data it keeps (a newer version upgraded it): reload the page');
    });
    const names: string[] = Array.from(db.objectStoreNames);
    if (STORES.every((store) => names.includes(store))) return db;
    db.close();
    if (names.length > 0)
      throw new Error(
        `the database "${this.name}" on this site holds other data (${names.join(', ')}); it was left alone`,
      );
    // Empty: a bare indexedDB.open of this name (a tool, another script) made it, at version 1
    // and without our stores, so our upgrade never ran. Nothing is lost by starting it again.
    await new Promise<void>((resolve, reject) => {
      const held = `an empty database "${this.name}" is held open elsewhere: close other tabs of this site, then start again`;
      deleteDB(this.name, { blocked: () => reject(new Error(held)) }).then(resolve, reject);
    });
    return this.openAt();
  }

  private openAt(): Promise<IDBPDatabase<SpareCyclesDB>> {
    return openDB<SpareCyclesDB>(this.name, DB_VERSION, {
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
    });
  }
}

/** Every store of the schema: a database with all of them is ours. */
const STORES = [
  'units',
  'outbox',
  'kernels',
  'settings',
  'checkpoints',
] as const satisfies readonly StoreNames<SpareCyclesDB>[];
