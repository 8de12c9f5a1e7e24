// The whole path through real processes: a lead publishes with the CLI, two headless
// volunteers complete the batch, and the validated results equal the plain-TS references.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ResultLine } from '../../src/protocol/api.js';
import { mandelbrotReference, type MandelbrotInput } from '../../src/kernels/mandelbrot/reference.js';
import { primesReference, type PrimesInput } from '../../src/kernels/primes/reference.js';
import { startServer, type RunningServer } from '../../src/server/serve.js';
import { suiteDatabase, type SuiteDatabase } from '../helpers/backends.js';
import { assertBuilt, cli, cliJson } from '../helpers/cli.js';

let server: RunningServer;
let dir: string;
let env: Record<string, string>;
let database: SuiteDatabase;

beforeAll(async () => {
  assertBuilt();
  dir = mkdtempSync(join(tmpdir(), 'sc-integration-'));
  database = await suiteDatabase('publish');
  server = await startServer({ port: 0, dataDir: join(dir, 'data'), databaseUrl: database.databaseUrl, logger: false });
  const { token } = await cliJson<{ token: string }>(['token', 'create', ...database.storeFlags(join(dir, 'data'))]);
  expect(token).toMatch(/^scp_/);
  env = { SPARECYCLES_TOKEN: token, SPARECYCLES_SERVER: server.url };
});

afterAll(async () => {
  await server?.close();
  await database?.drop();
  rmSync(dir, { recursive: true, force: true });
});

async function publish(
  project: string,
  kernel: string,
  inputs: unknown[],
  extra: string[] = [],
): Promise<{ batch: string; units: number }> {
  const file = join(dir, `${project}.jsonl`);
  writeFileSync(file, inputs.map((i) => JSON.stringify(i)).join('\n') + '\n');
  const { hash } = await cliJson<{ hash: string }>(['kernel', 'add', kernel], env);
  expect(hash).toMatch(/^[0-9a-f]{64}$/);
  return await cliJson(['publish', '--project', project, '--kernel', hash, '--inputs', file, ...extra], env);
}

describe('publish → two headless volunteers → validated results', () => {
  it('completes a primes and a mandelbrot batch with results equal to the references', async () => {
    const primes = (await cliJson<{ id: string }>(['project', 'create', 'Primes test'], env)).id;
    const mandel = (await cliJson<{ id: string }>(['project', 'create', 'Mandelbrot test'], env)).id;
    const primeInputs: PrimesInput[] = Array.from({ length: 12 }, (_, i) => ({
      from: i * 250_000,
      to: (i + 1) * 250_000,
    }));
    const tileInputs: MandelbrotInput[] = [0, 32, 64].map((x) => ({
      width: 96,
      height: 64,
      x,
      y: 16,
      w: 32,
      h: 32,
      maxIter: 200,
    }));
    // full replication: every unit is computed by both volunteers, so the counts below are exact
    const primesBatch = await publish(primes, 'dist/kernels/primes.wasm', primeInputs, ['--replication', 'full']);
    const mandelBatch = await publish(mandel, 'dist/kernels/mandelbrot.wasm', tileInputs, ['--replication', 'full']);
    expect(primesBatch.units).toBe(12);
    expect((await cliJson<{ done: boolean }>(['status', '--batch', primesBatch.batch], env)).done).toBe(false);

    const volunteers = await Promise.all([
      cli(['volunteer', '--threads', '2', '--exit-when-idle', '--json'], env),
      // Half a core: idles between units as long as each took, and still does its share.
      cli(['volunteer', '--threads', '1', '--cpu-percent', '50', '--exit-when-idle', '--json'], env),
    ]);
    for (const v of volunteers) expect(v.status, v.stderr).toBe(0);
    const summaries = volunteers.map((v) => JSON.parse(v.stdout) as { volunteer: string; completed: number });
    expect(summaries[0]!.volunteer).not.toBe(summaries[1]!.volunteer);
    // quorum 2: every unit computed once by each volunteer
    expect(summaries[0]!.completed + summaries[1]!.completed).toBe(2 * (12 + 3));

    for (const batch of [primesBatch, mandelBatch]) {
      const status = await cliJson<{ batch: string; counts: Record<string, number>; done: boolean }>(
        ['status', '--batch', batch.batch],
        env,
      );
      expect(status).toMatchObject({ batch: batch.batch, done: true, counts: { done: batch.units, error: 0 } });
    }

    const lines = async (batch: string) =>
      (await cli(['results', '--batch', batch, '--json'], env)).stdout
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l) as ResultLine);
    const primeResults = await lines(primesBatch.batch);
    expect(primeResults.map((r) => r.index)).toEqual(primeInputs.map((_, i) => i));
    primeResults.forEach((r, i) => {
      expect(r.input).toEqual(primeInputs[i]);
      expect(r.output).toEqual(primesReference(primeInputs[i]!));
    });
    expect(primeResults.reduce((sum, r) => sum + (r.output as { count: number }).count, 0)).toBe(216_816); // π(3·10⁶)
    const tileResults = await lines(mandelBatch.batch);
    tileResults.forEach((r, i) => expect(r.output).toEqual(mandelbrotReference(tileInputs[i]!)));

    // credit: every volunteer credited once per validated unit at the default credit of 1
    const board = (await (await fetch(`${server.url}/api/v1/leaderboard`)).json()) as {
      volunteers: { credit: number }[];
    };
    expect(board.volunteers.reduce((sum, v) => sum + v.credit, 0)).toBe(2 * 15);
  });
});
