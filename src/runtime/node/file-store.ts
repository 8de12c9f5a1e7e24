// RuntimeStore on Node, under a state directory: leased units and finished results as journals
// of group files (./journal.ts: one fsynced file per lease request or per group of results, not
// one per unit), one file per checkpoint and kernel. Every write goes to a temporary file that is
// fsynced and renamed, so a crash leaves either the old file or the new one, never half of one.
import { mkdir, readdir, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { Lease } from '../../protocol/api.js';
import { base64ToBytes, bytesToBase64 } from '../../protocol/encoding.js';
import type { Credentials, OutboxEntry, RuntimeStore } from '../ports.js';
import { Journal, writeAtomic } from './journal.js';

type StoredEntry = Omit<OutboxEntry, 'output'> & { output?: string };

const SAFE_NAME = /^[A-Za-z0-9_-]{1,128}$/;

interface StoredIdentity extends Omit<Credentials, 'privateKey'> {
  /** PKCS#8, base64; the file is readable by its owner only. */
  privateKeyPkcs8: string;
}

export class FileStore implements RuntimeStore {
  readonly extractableKeys = true;
  private ready: Promise<void> | undefined;
  private readonly units: Journal<Lease>;
  private readonly outbox: Journal<StoredEntry>;

  constructor(private readonly dir: string) {
    this.units = new Journal<Lease>(join(dir, 'units'), (lease) => lease.lease);
    this.outbox = new Journal<StoredEntry>(join(dir, 'outbox'), (entry) => entry.lease);
  }

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
    await this.init();
    await writeAtomic(join(this.dir, 'identity.json'), JSON.stringify(stored), 0o600);
  }

  async listUnits(): Promise<Lease[]> {
    await this.init();
    const done = new Set((await this.outbox.list()).map((entry) => entry.lease));
    return (await this.units.list()).filter((unit) => !done.has(unit.lease));
  }

  async putUnits(leases: Lease[]): Promise<void> {
    await this.init();
    await this.units.add(leases);
  }

  async finishUnits(entries: OutboxEntry[]): Promise<void> {
    // Only the results: a unit with a result in the outbox is not listed, and it goes when the
    // result is acknowledged (removeFromOutbox), so a crash never runs it twice nor loses it.
    await this.init();
    await this.outbox.add(
      entries.map((entry) => ({ ...entry, output: entry.output ? bytesToBase64(entry.output) : undefined })),
    );
  }

  async dropUnit(lease: string): Promise<void> {
    await this.init();
    await this.units.remove([lease]);
    await this.dropCheckpoint(lease);
  }

  async listOutbox(): Promise<OutboxEntry[]> {
    await this.init();
    const stored = await this.outbox.list();
    return stored
      .map(({ output, ...rest }) => (output === undefined ? rest : { ...rest, output: base64ToBytes(output) }))
      .sort((a, b) => a.finishedAt - b.finishedAt);
  }

  async removeFromOutbox(leases: string[]): Promise<void> {
    // The result last: were we to crash in between, the unit is still not listed.
    await this.init();
    await this.units.remove(leases);
    await Promise.all(leases.map((lease) => this.dropCheckpoint(lease)));
    await this.outbox.remove(leases);
  }

  async getKernel(hash: string): Promise<Uint8Array | undefined> {
    try {
      return new Uint8Array(await readFile(this.path('kernels', hash, '.wasm')));
    } catch {
      return undefined;
    }
  }

  async putKernel(hash: string, bytes: Uint8Array): Promise<void> {
    await this.init();
    await writeAtomic(this.path('kernels', hash, '.wasm'), bytes);
  }

  async putCheckpoint(lease: string, state: Uint8Array): Promise<void> {
    await this.init();
    await writeAtomic(this.path('checkpoints', lease, '.bin'), state);
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
}
