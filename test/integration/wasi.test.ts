// The wasi ABI through the whole path: `kernel add` of an unmodified C program compiled with
// clang + wasi-libc (test/fixtures/wasi/wordfreq.wasm, committed with its source) is stored as
// `wasi`, a mixed module is refused at upload, and two headless volunteers run a batch whose
// validated results equal the TypeScript reference.
import { readFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ResultLine } from '../../src/protocol/api.js';
import { startServer, type RunningServer } from '../../src/server/serve.js';
import { assembleBytes, PROC_EXIT, VOID } from '../fixtures/wasi/assemble.js';
import { wordfreqReference } from '../fixtures/wasi/reference.js';
import { assertBuilt, cli, cliJson } from '../helpers/cli.js';

const ROOT = join(import.meta.dirname, '..', '..');
const WORDFREQ = join(ROOT, 'test', 'fixtures', 'wasi', 'wordfreq.wasm');

let server: RunningServer;
let dir: string;
let env: Record<string, string>;

beforeAll(async () => {
  assertBuilt();
  dir = mkdtempSync(join(tmpdir(), 'sc-wasi-'));
  server = await startServer({ port: 0, dataDir: join(dir, 'data'), logger: false });
  const { token } = await cliJson<{ token: string }>(['token', 'create', '--data-dir', join(dir, 'data')]);
  env = { SPARECYCLES_TOKEN: token, SPARECYCLES_SERVER: server.url };
});

afterAll(async () => {
  await server?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** Uploads with `kernel add --json`; returns the hash, after checking the ABI it printed is the one stored. */
async function addKernel(file: string): Promise<string> {
  const { hash, abi, size } = await cliJson<{ hash: string; abi: string; size: number }>(['kernel', 'add', file], env);
  expect(hash).toMatch(/^[0-9a-f]{64}$/);
  expect(size).toBe(readFileSync(file).length);
  expect(abi).toBe(await storedAbi(hash));
  return hash;
}

/** The errors volunteers reported for their leases, from the server's database. */
function leaseErrors(): unknown[] {
  const db = (server.store as unknown as { db: { prepare(sql: string): { all(): unknown[] } } }).db;
  return db.prepare('SELECT unit, volunteer, error FROM leases WHERE error IS NOT NULL').all();
}

async function storedAbi(hash: string): Promise<string | null> {
  const response = await fetch(`${server.url}/api/v1/kernels/${hash}`);
  expect(response.status).toBe(200);
  return response.headers.get('x-kernel-abi');
}

async function publish(project: string, kernel: string, inputs: unknown[], extra: string[] = []) {
  const file = join(dir, `${project}-${Date.now()}.jsonl`);
  writeFileSync(file, inputs.map((i) => JSON.stringify(i)).join('\n') + '\n');
  return await cliJson<{ batch: string; units: number }>(
    ['publish', '--project', project, '--kernel', kernel, '--inputs', file, '--replication', 'full', ...extra],
    env,
  );
}

describe('wasi kernels', () => {
  it('`kernel add` tells the ABI from the module: wordfreq.wasm is wasi, primes.wasm is sc1', async () => {
    expect(await storedAbi(await addKernel(WORDFREQ))).toBe('wasi');
    expect(await storedAbi(await addKernel(join(ROOT, 'dist', 'kernels', 'primes.wasm')))).toBe('sc1');
  });

  it('`kernel add` refuses a module that imports from wasi and from env, naming the import', async () => {
    const file = join(dir, 'mixed.wasm');
    writeFileSync(file, assembleBytes({ imports: [PROC_EXIT, ['env', 'x', VOID]], body: [] }));
    const result = await cli(['kernel', 'add', file], env);
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('"env.x"');
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
  });

  it('two headless volunteers run a wasi batch; the validated results equal the reference', async () => {
    const project = (await cliJson<{ id: string }>(['project', 'create', 'Word counts'], env)).id;
    const hash = await addKernel(WORDFREQ);
    const inputs: unknown[] = [
      { text: 'The quick brown fox jumps over the lazy dog. The dog sleeps.' },
      { text: 'It was the best of times, it was the worst of times, it was the age of wisdom' },
      { id: 3, text: 'Ünïcödé été, ÉTÉ et été 😀\nline two', tags: ['x', { nested: [1, 2] }] },
      'a JSON string is counted too: a b a',
      { text: Array.from({ length: 5000 }, (_, i) => `w${(i * 37) % 211}`).join(' ') },
    ];
    const good = await publish(project, hash, inputs);
    expect(good.units).toBe(inputs.length);
    // exits 1 ("no text member") on every volunteer: after two errors the unit is given up
    const bad = await publish(project, hash, [{ title: 'no text here' }], ['--max-results', '2']);

    const volunteers = await Promise.all([
      cli(['volunteer', '--threads', '2', '--exit-when-idle', '--json'], env),
      cli(['volunteer', '--threads', '1', '--exit-when-idle', '--json'], env),
    ]);
    for (const v of volunteers) expect(v.status, v.stderr).toBe(0);
    const summaries = volunteers.map((v) => JSON.parse(v.stdout) as { completed: number });
    // What went wrong, should this fail: each volunteer's summary and last words, the server's view.
    const diagnosis = async () =>
      JSON.stringify({
        summaries,
        stderr: volunteers.map((v) => v.stderr.slice(-1500)),
        status: await cliJson(['status', '--batch', good.batch], env),
        kernelErrors: leaseErrors(),
      });
    expect(summaries[0]!.completed + summaries[1]!.completed, await diagnosis()).toBeGreaterThanOrEqual(
      2 * inputs.length,
    );

    const status = await cliJson<{ counts: Record<string, number>; done: boolean }>(
      ['status', '--batch', good.batch],
      env,
    );
    expect(status).toMatchObject({ done: true, counts: { done: inputs.length, error: 0 } });
    const badStatus = await cliJson<{ counts: Record<string, number>; done: boolean }>(
      ['status', '--batch', bad.batch],
      env,
    );
    expect(badStatus).toMatchObject({ done: true, counts: { done: 0, error: 1 } });

    const results = (await cli(['results', '--batch', good.batch, '--json'], env)).stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as ResultLine);
    expect(results.map((r) => r.index)).toEqual(inputs.map((_, i) => i));
    results.forEach((r, i) => {
      expect(r.input).toEqual(inputs[i]);
      expect(r.outputEncoding).toBeUndefined();
      expect(r.output).toEqual(JSON.parse(wordfreqReference(JSON.stringify(inputs[i]))));
    });
  });
});
