// The SDK against a real server: `map` over 2,000 inputs computed by two headless volunteers
// (the `sparecycles volunteer` command) returns the reference outputs in order; `publish`
// streams 300,000 inputs from an async generator while a volunteer starts on the first chunk;
// `results` follows a batch still running; `cancel` stops a batch; errors carry the API's code.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { collatzReference, type CollatzInput } from '../../src/kernels/collatz/reference.js';
import { Client, SparecyclesError } from '../../src/sdk/index.js';
import { createPublisherToken } from '../../src/server/auth.js';
import { startServer, type RunningServer } from '../../src/server/serve.js';
import type { SqlStore } from '../../src/server/store/sql-store.js';
import { assertBuilt, CLI } from '../helpers/cli.js';
import { honest, SimVolunteer } from '../helpers/sim-volunteer.js';
import { tinyKernel } from '../helpers/tiny-kernel.js';

let server: RunningServer;
let dir: string;
let client: Client;
let other: Client;
let echo: string;
const volunteers: ChildProcess[] = [];

beforeAll(async () => {
  assertBuilt();
  dir = mkdtempSync(join(tmpdir(), 'sc-sdk-'));
  server = await startServer({ port: 0, dataDir: join(dir, 'data'), logger: false });
  client = new Client({ server: server.url, token: await createPublisherToken(server.store, Date.now()) });
  other = new Client({ server: server.url, token: await createPublisherToken(server.store, Date.now()) });
  echo = (await client.kernels.add(readFileSync('dist/test-kernels/echo.wasm'))).hash;
});

afterAll(async () => {
  for (const child of volunteers) child.kill('SIGKILL');
  await server?.close();
  rmSync(dir, { recursive: true, force: true });
});

const sql = () => (server.store as SqlStore).sql;

function startVolunteer(project: string): ChildProcess {
  const child = spawn(process.execPath, [CLI, 'volunteer', '--server', server.url, '--project', project], {
    stdio: 'ignore',
  });
  volunteers.push(child);
  return child;
}

describe('the SDK against a real server', () => {
  it('creates and lists projects, adds kernels, and rejects with the API error code', async () => {
    const { id } = await client.projects.create('SDK basics', 'made by the SDK test');
    expect((await client.projects.list()).map((p) => p.id)).toContain(id);
    const kernel = await client.kernels.add(readFileSync('dist/kernels/collatz.wasm'));
    expect(kernel).toEqual({ hash: expect.stringMatching(/^[0-9a-f]{64}$/), abi: 'sc1', size: expect.any(Number) });
    const refused = async (promise: Promise<unknown>, code: string) => {
      const error = await promise.then(
        () => undefined,
        (err: unknown) => err,
      );
      expect(error).toBeInstanceOf(SparecyclesError);
      expect(error).toMatchObject({ code });
      expect((error as Error).message).not.toContain('\n');
    };
    await refused(client.kernels.add(new Uint8Array([1, 2, 3])), 'SC_KERNEL_INVALID');
    await refused(client.batch('b_nope').status(), 'SC_BATCH_UNKNOWN');
    await refused(client.publish({ project: 'no-such', kernel: echo, inputs: [1] }), 'SC_PROJECT_UNKNOWN');
    await refused(client.publish({ project: id, kernel: echo, inputs: [] }), 'SC_NO_INPUTS');
    const mine = await client.publish({ project: id, kernel: echo, inputs: [1, 2] });
    await refused(other.batch(mine.id).status(), 'SC_FORBIDDEN');
    await refused(other.batch(mine.id).cancel(), 'SC_FORBIDDEN');
    await refused(new Client({ server: 'http://127.0.0.1:9' }).projects.list(), 'SC_UNREACHABLE');
    expect((await client.batches.list(id)).map((b) => b.batch)).toEqual([mine.id]);
  });

  it('uploads a kernel given as bytes only when the server does not have it', async () => {
    const requests: string[] = [];
    const recording = new Client({
      server: server.url,
      token: await createPublisherToken(server.store, Date.now()),
      fetch: (input, init) => {
        requests.push(`${init?.method ?? 'GET'} ${new URL(String(input)).pathname}`);
        return fetch(input, init);
      },
    });
    const { id: project } = await recording.projects.create('SDK kernel upload');
    const fresh = new Uint8Array(tinyKernel(42));
    await recording.publish({ project, kernel: fresh, inputs: [1] });
    await recording.publish({ project, kernel: fresh, inputs: [2] });
    const kernelCalls = requests.filter((r) => r.includes('/kernels'));
    expect(kernelCalls.map((r) => r.replace(/[0-9a-f]{64}/, 'HASH'))).toEqual([
      'HEAD /api/v1/kernels/HASH',
      'POST /api/v1/kernels',
      'HEAD /api/v1/kernels/HASH',
    ]);
  });

  it('map over 2,000 inputs on two headless volunteers returns the reference outputs in input order', async () => {
    const { id: project } = await client.projects.create('SDK map');
    const inputs: CollatzInput[] = Array.from({ length: 2000 }, (_, i) => ({ from: 1 + i * 7, to: 8 + i * 7 }));
    startVolunteer(project);
    startVolunteer(project);
    const outputs = await client.map(readFileSync('dist/kernels/collatz.wasm'), inputs, { project, pollMs: 200 });
    expect(outputs).toHaveLength(2000);
    expect(outputs).toEqual(inputs.map(collatzReference));
  });

  it('map rejects with SC_UNITS_FAILED naming the units that ended in error', async () => {
    const { id: project } = await client.projects.create('SDK failing map');
    startVolunteer(project);
    const failure = await client
      .map(readFileSync('dist/test-kernels/trap.wasm'), [{ a: 1 }, { a: 2 }], {
        project,
        quorum: 1,
        maxResults: 1,
        pollMs: 100,
      })
      .then(
        () => undefined,
        (err: unknown) => err as SparecyclesError,
      );
    expect(failure).toBeInstanceOf(SparecyclesError);
    expect(failure).toMatchObject({ code: 'SC_UNITS_FAILED', units: [{ index: 0 }, { index: 1 }] });
    expect(failure!.message).toMatch(/^2 of 2 units ended in error: 0 \(.+\), 1 \(.+\)$/);
  });

  it('publishes 300,000 inputs from an async generator; a volunteer starts on the first chunk', async () => {
    const { id: project } = await client.projects.create('SDK stream');
    const volunteer = new SimVolunteer(server.url, honest);
    await volunteer.register();
    let leasedDuringUpload = 0;
    async function* inputs() {
      for (let i = 0; i < 300_000; i++) {
        if (i === 50_000) {
          // Units of the first chunks are out to volunteers before the rest is even read.
          leasedDuringUpload = (await volunteer.lease(8, [project])).length;
        }
        yield { i };
      }
    }
    let reports = 0;
    const batch = await client.publish({ project, kernel: echo, inputs: inputs(), onProgress: () => reports++ });
    expect(leasedDuringUpload).toBe(8);
    expect(reports).toBeGreaterThanOrEqual(30);
    const status = await batch.status();
    expect(status).toMatchObject({ total: 300_000, state: 'closed', done: false });
    const rows = await sql().all<{ idx: number; input: Buffer }>(
      'SELECT idx, input FROM units WHERE batch = ? AND idx IN (0, 9999, 10000, 123456, 299999) ORDER BY idx',
      [batch.id],
    );
    expect(rows.map((r) => [r.idx, JSON.parse(r.input.toString())])).toEqual([
      [0, { i: 0 }],
      [9999, { i: 9999 }],
      [10000, { i: 10000 }],
      [123456, { i: 123456 }],
      [299999, { i: 299999 }],
    ]);
    const count = await sql().get<{ n: number; distinct: number }>(
      'SELECT COUNT(*) AS n, COUNT(DISTINCT idx) AS "distinct" FROM units WHERE batch = ?',
      [batch.id],
    );
    expect(count).toEqual({ n: 300_000, distinct: 300_000 });
  });

  it('results follows a batch that is still running, in validation order, and ends when it is done', async () => {
    const { id: project } = await client.projects.create('SDK follow');
    const batch = await client.publish({
      project,
      kernel: echo,
      inputs: Array.from({ length: 40 }, (_, i) => ({ n: i })),
      replication: 'full',
    });
    const pair = [new SimVolunteer(server.url, honest), new SimVolunteer(server.url, honest)];
    for (const v of pair) await v.register();
    // The volunteers work five units at a time, pausing in between, while the follower reads.
    const working = (async () => {
      for (;;) {
        const leases = await Promise.all(pair.map((v) => v.lease(5, [project])));
        if (leases.every((l) => l.length === 0)) return;
        await Promise.all(pair.map((v, i) => v.work(leases[i]!)));
        await new Promise((resolve) => setTimeout(resolve, 150));
      }
    })();
    const snapshots = (async () => {
      const counts: { done: number; finished: boolean }[] = [];
      for await (const status of batch.progress({ pollMs: 50 }))
        counts.push({ done: status.counts.done, finished: status.done });
      return counts;
    })();
    const seen: { index: number; done: boolean }[] = [];
    for await (const result of batch.results({ order: 'validated', pollMs: 50 })) {
      expect(result.output).toEqual({ n: result.index });
      seen.push({ index: result.index, done: (await batch.status()).done });
    }
    await working;
    const progress = await snapshots;
    expect(progress.length).toBeGreaterThan(2);
    expect(progress.map((p) => p.done)).toEqual([...progress.map((p) => p.done)].sort((a, b) => a - b));
    expect(progress.at(-1)).toEqual({ done: 40, finished: true });
    expect(progress.slice(0, -1).every((p) => !p.finished)).toBe(true);
    expect(seen.map((s) => s.index).sort((a, b) => a - b)).toEqual(Array.from({ length: 40 }, (_, i) => i));
    expect(seen[0]!.done).toBe(false);
    // and in input order, after the fact: every result once, in order
    const inOrder = [];
    for await (const result of batch.results()) inOrder.push(result.index);
    expect(inOrder).toEqual(Array.from({ length: 40 }, (_, i) => i));
    const after = [];
    for await (const status of batch.progress()) after.push(status.done);
    expect(after).toEqual([true]);
  });

  it('cancel voids leases in flight, sends no more units, and keeps validated results', async () => {
    const { id: project } = await client.projects.create('SDK cancel');
    const batch = await client.publish({
      project,
      kernel: echo,
      inputs: Array.from({ length: 30 }, (_, i) => i),
      replication: 'full',
    });
    const [a, b, c] = [0, 1, 2].map(() => new SimVolunteer(server.url, honest));
    for (const v of [a, b, c]) await v!.register();
    const first = await a!.lease(4, [project]);
    await a!.work(first);
    await b!.work(await b!.lease(4, [project])); // four units validated
    const inFlight = await c!.lease(3, [project]);
    expect(inFlight).toHaveLength(3);
    const cancelled = await batch.cancel();
    expect(cancelled).toMatchObject({ state: 'cancelled', done: true, voided: 3, cancelled: 26 });
    expect(await a!.lease(10, [project])).toEqual([]);
    expect((await c!.work(inFlight)).map((ack) => ack.outcome)).toEqual(['late', 'late', 'late']);
    const kept = [];
    for await (const result of batch.results()) kept.push(result.output);
    expect(kept).toEqual([0, 1, 2, 3]);
    expect((await client.batches.list(project)).find((s) => s.batch === batch.id)).toMatchObject({
      state: 'cancelled',
    });
    // closing a cancelled batch leaves it cancelled
    expect((await client.batch(batch.id).close()).state).toBe('cancelled');
  });
});
