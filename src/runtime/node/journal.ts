// A durable set of records keyed by lease, kept as group files: each `add` writes its records as
// one file (written to a temporary name, fsynced, renamed), so storing a request's worth of units
// or results costs one fsync, not one per record. Removing records deletes a group file once all
// of its records are gone; records removed from a group that still holds others are listed in a
// tombstone file (one per `remove`, fsynced) until their group goes. A crash leaves each file
// whole or absent, so a reopened journal holds exactly what was added and not removed.
import { open, readdir, readFile, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';

const GROUP = /^g-[\w-]+\.json$/;
const TOMBSTONE = /^[\w-]+\.tomb$/;
/** Files from before group files: one record per `<key>.json`, a group of one. */
const SINGLE = /^[A-Za-z0-9_-]{1,128}\.json$/;

let sequence = 0;
/** Names that sort in the order they were made (time, then a counter), in this process. */
const uniqueName = () =>
  `${Date.now().toString(36).padStart(9, '0')}-${process.pid}-${(sequence++).toString(36).padStart(6, '0')}`;
const stampOf = (name: string) => name.replace(/^g-/, '').replace(/\.(json|tomb)$/, '');

export async function writeAtomic(file: string, data: string | Uint8Array, mode = 0o644): Promise<void> {
  const tmp = `${file}.${process.pid}.tmp`;
  const handle = await open(tmp, 'w', mode);
  try {
    await handle.writeFile(data);
    await handle.sync();
  } finally {
    await handle.close();
  }
  await rename(tmp, file);
}

async function readJson(file: string): Promise<unknown> {
  try {
    return JSON.parse(await readFile(file, 'utf8'));
  } catch {
    return undefined; // gone, or a file a crash cut short before its rename: never relied on
  }
}

export class Journal<T> {
  /** Live records by key. */
  private readonly records = new Map<string, T>();
  /** Each group file's keys, live or removed, until the file is deleted. */
  private readonly groups = new Map<string, Set<string>>();
  /** The group files holding each key (more than one if a record was stored again). */
  private readonly groupsOf = new Map<string, Set<string>>();
  private readonly tombstones = new Map<string, Set<string>>();
  private loaded: Promise<void> | undefined;
  private tail: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly dir: string,
    private readonly keyOf: (record: T) => string,
  ) {}

  async list(): Promise<T[]> {
    await this.load();
    return [...this.records.values()];
  }

  async has(key: string): Promise<boolean> {
    await this.load();
    return this.records.has(key);
  }

  /** Stores records durably, in one file. */
  add(records: readonly T[]): Promise<void> {
    return this.serial(async () => {
      if (records.length === 0) return;
      const file = `g-${uniqueName()}.json`;
      await writeAtomic(join(this.dir, file), JSON.stringify(records));
      this.indexGroup(file, records);
    });
  }

  /** Forgets records durably; keys it does not hold are ignored. */
  remove(keys: readonly string[]): Promise<void> {
    return this.serial(async () => {
      const present = [...new Set(keys)].filter((key) => this.records.has(key));
      if (present.length === 0) return;
      for (const key of present) this.records.delete(key);
      const emptied = new Set<string>();
      const kept: string[] = [];
      for (const key of present) {
        let stays = false;
        for (const group of this.groupsOf.get(key)!) {
          if ([...this.groups.get(group)!].some((k) => this.records.has(k))) stays = true;
          else emptied.add(group);
        }
        if (stays) kept.push(key);
      }
      // Records whose group stays are tombstoned first; emptied groups simply go.
      if (kept.length > 0) {
        const file = `${uniqueName()}.tomb`;
        await writeAtomic(join(this.dir, file), JSON.stringify(kept));
        this.tombstones.set(file, new Set(kept));
      }
      for (const group of emptied) {
        await rm(join(this.dir, group), { force: true });
        for (const key of this.groups.get(group)!) {
          const holders = this.groupsOf.get(key)!;
          holders.delete(group);
          if (holders.size === 0) this.groupsOf.delete(key);
        }
        this.groups.delete(group);
      }
      // A tombstone whose records are all in deleted groups has nothing left to hide.
      for (const [file, dead] of this.tombstones) {
        if (![...dead].some((key) => this.groupsOf.has(key))) {
          await rm(join(this.dir, file), { force: true });
          this.tombstones.delete(file);
        }
      }
    });
  }

  private load(): Promise<void> {
    this.loaded ??= (async () => {
      const names = await readdir(this.dir);
      // Each removed key, with its newest tombstone: it hides the key's records stored before it.
      const dead = new Map<string, string>();
      for (const name of names.filter((n) => TOMBSTONE.test(n))) {
        const keys = await readJson(join(this.dir, name));
        if (!Array.isArray(keys)) continue;
        this.tombstones.set(name, new Set(keys.map(String)));
        for (const key of keys.map(String)) if ((dead.get(key) ?? '') < stampOf(name)) dead.set(key, stampOf(name));
      }
      // Oldest first (names start with the time), so a record stored again wins.
      for (const name of names.filter((n) => GROUP.test(n) || SINGLE.test(n)).sort()) {
        const content = await readJson(join(this.dir, name));
        if (content === undefined) continue;
        const legacy = !GROUP.test(name);
        this.indexGroup(name, (Array.isArray(content) && !legacy ? content : [content]) as T[], dead);
      }
    })();
    return this.loaded;
  }

  private indexGroup(file: string, records: readonly T[], dead = new Map<string, string>()): void {
    // A legacy single file sorts before every tombstone: any tombstone of its key hides it.
    const stamp = GROUP.test(file) ? stampOf(file) : '';
    const keys = new Set<string>();
    for (const record of records) {
      const key = this.keyOf(record);
      keys.add(key);
      const holders = this.groupsOf.get(key) ?? new Set<string>();
      holders.add(file);
      this.groupsOf.set(key, holders);
      if ((dead.get(key) ?? '') > stamp) this.records.delete(key);
      else this.records.set(key, record);
    }
    this.groups.set(file, keys);
  }

  /** Runs `fn` after the journal is loaded and every earlier write has finished. */
  private serial<R>(fn: () => Promise<R>): Promise<R> {
    const result = this.tail.then(() => this.load()).then(fn);
    this.tail = result.catch(() => undefined);
    return result;
  }
}
