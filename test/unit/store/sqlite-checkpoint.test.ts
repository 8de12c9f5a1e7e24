// The WAL checkpointer: a busy store's log is copied into the database file by a worker thread,
// the serving connection stops checkpointing, and closing leaves no WAL behind.
import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { COMMITS_BEFORE_WORKER } from '../../../src/server/store/sqlite/checkpointer.js';
import { SqliteBackend } from '../../../src/server/store/sqlite/sqlite-backend.js';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function tempFile(): string {
  const dir = mkdtempSync(join(tmpdir(), 'sc-ckpt-'));
  dirs.push(dir);
  return join(dir, 'store.db');
}

const commit = (backend: SqliteBackend, i: number) =>
  backend.transaction((tx) => tx.run(`INSERT INTO ckpt_probe (n, pad) VALUES (?, ?)`, [i, 'x'.repeat(4000)]));

async function until(check: () => boolean, ms = 10_000): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error('timed out waiting for the checkpointer');
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('SQLite WAL checkpointer', () => {
  it('moves checkpoints to a worker once the store is busy, and closes without a WAL', async () => {
    const file = tempFile();
    const backend = new SqliteBackend(file);
    backend.raw.exec('CREATE TABLE ckpt_probe (n INTEGER, pad TEXT)');
    for (let i = 0; i < COMMITS_BEFORE_WORKER - 1; i++) await commit(backend, i);
    expect(backend.raw.pragma('wal_autocheckpoint', { simple: true })).toBe(1000);
    await commit(backend, COMMITS_BEFORE_WORKER);
    await until(() => backend.raw.pragma('wal_autocheckpoint', { simple: true }) === 0);

    // The serving connection no longer checkpoints, yet the database file grows: the worker
    // copies the log into it.
    const before = statSync(file).size;
    for (let i = 0; i < 200; i++) await commit(backend, 1000 + i);
    await until(() => statSync(file).size > before + 200 * 4000 * 0.9);

    await backend.close();
    expect(existsSync(`${file}-wal`)).toBe(false);
    const reopened = new SqliteBackend(file);
    expect(await reopened.get<{ n: number }>('SELECT COUNT(*) AS n FROM ckpt_probe')).toEqual({
      n: COMMITS_BEFORE_WORKER + 200,
    });
    await reopened.close();
  });

  it('never starts a worker for an in-memory store', async () => {
    const backend = new SqliteBackend(':memory:');
    backend.raw.exec('CREATE TABLE ckpt_probe (n INTEGER, pad TEXT)');
    for (let i = 0; i < COMMITS_BEFORE_WORKER * 2; i++) await commit(backend, i);
    expect((backend as unknown as { checkpointer: { running: boolean } }).checkpointer.running).toBe(false);
    await backend.close();
  });
});
