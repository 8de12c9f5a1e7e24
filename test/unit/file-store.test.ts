// The Node volunteer's store keeps units and results as group files: one fsynced file per
// request's units or per group of results, tombstones for partial removals, and a reopened
// store (after a crash) holds exactly what was stored and not removed.
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Lease } from '../../src/protocol/api.js';
import { FileStore } from '../../src/runtime/node/file-store.js';
import type { OutboxEntry } from '../../src/runtime/ports.js';

const lease = (id: string): Lease => ({
  lease: id,
  unit: id,
  project: 'p',
  batch: 'b',
  kernel: 'k',
  abi: 'sc1',
  input: 'e30=',
  deadline: 1e13,
  maxRunSeconds: 60,
});
const result = (id: string, at: number): OutboxEntry => ({
  lease: id,
  unit: id,
  project: 'p',
  output: new Uint8Array([at]),
  elapsedMs: 1,
  finishedAt: at,
});
const ids = (units: { lease: string }[]) => units.map((u) => u.lease).sort();

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'sc-file-store-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));
const files = (kind: string) => readdirSync(join(dir, kind)).sort();

describe('FileStore', () => {
  it('writes one file per group of units and of results, and a reopened store sees the same', async () => {
    const store = new FileStore(dir);
    await store.putUnits(['a', 'b', 'c', 'd'].map(lease));
    expect(files('units')).toHaveLength(1);
    await store.finishUnits([result('a', 1), result('b', 2)]);
    expect(files('outbox')).toHaveLength(1);
    expect(ids(await store.listUnits())).toEqual(['c', 'd']);
    expect((await store.listOutbox()).map((e) => [e.lease, e.output![0]])).toEqual([
      ['a', 1],
      ['b', 2],
    ]);

    const reopened = new FileStore(dir);
    expect(ids(await reopened.listUnits())).toEqual(['c', 'd']);
    expect(ids(await reopened.listOutbox())).toEqual(['a', 'b']);
  });

  it('tombstones part of a group, and deletes groups and tombstones once everything in them is gone', async () => {
    const store = new FileStore(dir);
    await store.putUnits(['a', 'b', 'c'].map(lease));
    await store.finishUnits([result('a', 1), result('b', 2)]);
    await store.removeFromOutbox(['a']);
    expect(files('units').filter((f) => f.endsWith('.tomb'))).toHaveLength(1);
    expect(files('outbox').filter((f) => f.endsWith('.tomb'))).toHaveLength(1);

    const reopened = new FileStore(dir);
    expect(ids(await reopened.listOutbox())).toEqual(['b']);
    expect(ids(await reopened.listUnits())).toEqual(['c']);

    await reopened.removeFromOutbox(['b']);
    expect(files('outbox')).toEqual([]);
    await reopened.dropUnit('c');
    expect(files('units')).toEqual([]);
    expect(await new FileStore(dir).listUnits()).toEqual([]);
  });

  it('keeps a lease stored again after it was removed', async () => {
    const store = new FileStore(dir);
    await store.putUnits(['a', 'b'].map(lease));
    await store.dropUnit('a');
    await store.putUnits([lease('a')]);
    expect(ids(await new FileStore(dir).listUnits())).toEqual(['a', 'b']);
  });

  it('reads the one-file-per-record layout of earlier versions, and ignores a write a crash cut short', async () => {
    for (const kind of ['units', 'outbox']) mkdirSync(join(dir, kind), { recursive: true });
    writeFileSync(join(dir, 'units', 'old1.json'), JSON.stringify(lease('old1')));
    writeFileSync(join(dir, 'units', 'old2.json'), JSON.stringify(lease('old2')));
    writeFileSync(join(dir, 'outbox', 'old2.json'), JSON.stringify({ ...result('old2', 5), output: 'BQ==' }));
    writeFileSync(join(dir, 'units', 'g-000000000-1-000000.json.1.tmp'), '[{"lease":');
    const store = new FileStore(dir);
    expect(ids(await store.listUnits())).toEqual(['old1']);
    expect((await store.listOutbox()).map((e) => [e.lease, e.output![0]])).toEqual([['old2', 5]]);
    await store.removeFromOutbox(['old2']);
    expect(files('outbox')).toEqual([]);
    expect(files('units').filter((f) => f.endsWith('.json'))).toEqual(['old1.json']);
  });
});
