// RuntimeStore on Node: one small file per unit, result, checkpoint and kernel under a state directory.
// Every write goes to a temporary file that is fsynced and renamed, so a crash leaves either
// the old file or the new one, never half of one.
import { mkdir, open, readdir, readFile, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { Lease } from '../../protocol/api.js';
import { base64ToBytes, bytesToBase64 } from '../../protocol/encoding.js';
import type { Credentials, OutboxEntry, RuntimeStore } from '../ports.js';

type StoredEntry = Omit<OutboxEntry, 'output'> & { output?: string };

const SAFE_NAME = /^[A-Za-z0-9_-]{1,128}$/;

interface StoredIdentity extends Omit<Credentials, 'privateKey'> {
  /** PKCS#8, base64; the file is readable by its owner only. */
  privateKeyPkcs8: string;
}

export class FileStore implements RuntimeStore {
  readonly extractableKeys = true;
  private ready: Promise<void> | undefined;

  constructor(private readonly dir: string) {}

  async getCredentials(): Promise<Credentials | undefined> {
    const stored = await this.readJson<StoredIdentity>(join(this.dir, 'identity.json'));
    if (!stored?.privateKeyPkcs8) return undefined;
    const { privateKeyPkcs8, ...rest } = stored;
    const privateKey = await crypto.subtle.importKey(
      'pkcs8',
      base64ToBytes(privateKeyPkcs8) as Uint8Array<ArrayBuffer>,
      { name: 'ECDSA', namedCurve: 'P-256' },
      true,
      ['sign'],
    );
    return { ...rest, privateKey };
  }

  async putCredentials(credentials: Credentials): Promise<void> {
    const { privateKey, ...rest } = credentials;
    const pkcs8 = new Uint8Array(await crypto.subtle.exportKey('pkcs8', privateKey));
    const stored: StoredIdentity = { ...rest, privateKeyPkcs8: bytesToBase64(pkcs8) };
    await this.writeAtomic(join(this.dir, 'identity.json'), JSON.stringify(stored), 0o600);
  }

  async listUnits(): Promise<Lease[]> {
    const units = await this.readAll<Lease>('units');
    const done = new Set(await readdir(join(this.dir, 'outbox')));
    return units.filter((unit) => !done.has(`${unit.lease}.json`));
  }

  async putUnits(leases: Lease[]): Promise<void> {
    for (const lease of leases) await this.writeAtomic(this.path('units', lease.lease), JSON.stringify(lease));
  }

  async finishUnits(entries: OutboxEntry[]): Promise<void> {
    // Only the results: a unit with a result in the outbox is not listed, and its file goes when
    // the result is acknowledged (removeFromOutbox), so a crash never runs it twice nor loses it.
    await Promise.all(
      entries.map((entry) => {
        const stored: StoredEntry = { ...entry, output: entry.output ? bytesToBase64(entry.output) : undefined };
        return this.writeAtomic(this.path('outbox', entry.lease), JSON.stringify(stored));
      }),
    );
  }

  async dropUnit(lease: string): Promise<void> {
    await rm(this.path('units', lease), { force: true });
    await this.dropCheckpoint(lease);
  }

  async listOutbox(): Promise<OutboxEntry[]> {
    const stored = await this.readAll<StoredEntry>('outbox');
    return stored
      .map(({ output, ...rest }) => (output === undefined ? rest : { ...rest, output: base64ToBytes(output) }))
      .sort((a, b) => a.finishedAt - b.finishedAt);
  }

  async removeFromOutbox(leases: string[]): Promise<void> {
    // The result last: were we to crash in between, the unit is still not listed.
    await Promise.all(
      leases.map(async (lease) => {
        await rm(this.path('units', lease), { force: true });
        await this.dropCheckpoint(lease);
        await rm(this.path('outbox', lease), { force: true });
      }),
    );
  }

  async getKernel(hash: string): Promise<Uint8Array | undefined> {
    try {
      return new Uint8Array(await readFile(this.path('kernels', hash, '.wasm')));
    } catch {
      return undefined;
    }
  }

  async putKernel(hash: string, bytes: Uint8Array): Promise<void> {
    await this.writeAtomic(this.path('kernels', hash, '.wasm'), bytes);
  }

  async putCheckpoint(lease: string, state: Uint8Array): Promise<void> {
    await this.writeAtomic(this.path('checkpoints', lease, '.bin'), state);
  }

  async getCheckpoint(lease: string): Promise<Uint8Array | undefined> {
    try {
      return new Uint8Array(await readFile(this.path('checkpoints', lease, '.bin')));
    } catch {
      return undefined;
    }
  }

  async listCheckpoints(): Promise<string[]> {
    await this.init();
    const names = await readdir(join(this.dir, 'checkpoints'));
    return names.filter((name) => name.endsWith('.bin')).map((name) => name.slice(0, -'.bin'.length));
  }

  async dropCheckpoint(lease: string): Promise<void> {
    await rm(this.path('checkpoints', lease, '.bin'), { force: true });
  }

  private path(kind: string, name: string, suffix = '.json'): string {
    if (!SAFE_NAME.test(name)) throw new Error(`refusing to store a file named ${JSON.stringify(name)}`);
    return join(this.dir, kind, name + suffix);
  }

  private async readAll<T>(kind: string): Promise<T[]> {
    await this.init();
    const names = (await readdir(join(this.dir, kind))).filter((name) => name.endsWith('.json'));
    const values = await Promise.all(names.map((name) => this.readJson<T>(join(this.dir, kind, name))));
    return values.filter((value): value is Awaited<T> => value !== undefined) as T[];
  }

  private async readJson<T>(file: string): Promise<T | undefined> {
    try {
      return JSON.parse(await readFile(file, 'utf8')) as T;
    } catch {
      return undefined;
    }
  }

  private init(): Promise<void> {
    this.ready ??= (async () => {
      for (const kind of ['units', 'outbox', 'kernels', 'checkpoints'])
        await mkdir(join(this.dir, kind), { recursive: true });
    })();
    return this.ready;
  }

  private async writeAtomic(file: string, data: string | Uint8Array, mode = 0o644): Promise<void> {
    await this.init();
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
}
