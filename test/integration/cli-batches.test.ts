// The lead's batch workflow through the built CLI: a 300,000-line JSONL publish (past the old
// 100,000 cap), a publish killed half-way and re-run with the same --batch-name, CSV and
// directory inputs, batch list and cancel, results --follow and --format csv, the kernel
// report and the progress bar on a terminal, and one-line errors that write nothing.
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPublisherToken } from '../../src/server/auth.js';
import { startServer, type RunningServer } from '../../src/server/serve.js';
import type { SqlStore } from '../../src/server/store/sql-store.js';
import { assertBuilt, cli, CLI, type CliResult } from '../helpers/cli.js';
import { honest, SimVolunteer } from '../helpers/sim-volunteer.js';
import { storeSnapshot } from '../helpers/store-snapshot.js';

let server: RunningServer;
let dir: string;
let env: Record<string, string>;
let otherEnv: Record<string, string>;
let project: string;
let kernel: string;
let big: string;
const BIG = 300_000;

const sql = () => (server.store as SqlStore).sql;

async function ok(args: string[], environment = env): Promise<CliResult> {
  const run = await cli(args, environment);
  expect(run.status, run.stderr).toBe(0);
  return run;
}
const json = async <T>(args: string[]) => JSON.parse((await ok([...args, '--json'])).stdout) as T;

async function fails(args: string[], message: RegExp, environment = env): Promise<void> {
  const before = await storeSnapshot(server.store);
  const run = await cli(args, environment);
  expect(run.status, JSON.stringify(run)).not.toBe(0);
  expect(run.stdout).toBe('');
  expect(run.stderr).toMatch(/^sparecycles: [^\n]+\n$/);
  expect(run.stderr).toMatch(message);
  expect(await storeSnapshot(server.store)).toEqual(before);
}

/** Every unit of a batch as [idx, input text], in input order. */
async function unitsOf(batch: string): Promise<[number, string][]> {
  const rows = await sql().all<{ idx: number; input: Buffer }>(
    'SELECT idx, input FROM units WHERE batch = ? ORDER BY idx',
    [batch],
  );
  return rows.map((r) => [r.idx, r.input.toString()]);
}

beforeAll(async () => {
  assertBuilt();
  dir = mkdtempSync(join(tmpdir(), 'sc-cli-batches-'));
  server = await startServer({ port: 0, dataDir: join(dir, 'data'), logger: false });
  env = { SPARECYCLES_SERVER: server.url, SPARECYCLES_TOKEN: await createPublisherToken(server.store, 1) };
  otherEnv = { ...env, SPARECYCLES_TOKEN: await createPublisherToken(server.store, 1) };
  project = (await json<{ id: string }>(['project', 'create', 'CLI batches'])).id;
  kernel = (await json<{ hash: string }>(['kernel', 'add', 'dist/test-kernels/echo.wasm'])).hash;
  big = join(dir, 'big.jsonl');
  writeFileSync(big, Array.from({ length: BIG }, (_, i) => `{"i":${i}}\n`).join(''));
});

afterAll(async () => {
  await server?.close();
  rmSync(dir, { recursive: true, force: true });
});

const publishArgs = (inputs: string, ...extra: string[]) => publishTo(project, inputs, ...extra);
const publishTo = (into: string, inputs: string, ...extra: string[]) => [
  'publish',
  '--project',
  into,
  '--kernel',
  kernel,
  '--inputs',
  inputs,
  ...extra,
];

describe('one-line errors that write nothing', () => {
  it('a ragged CSV row is named by its line', async () => {
    const file = join(dir, 'ragged.csv');
    writeFileSync(file, 'from,to\n1,2\n3,4,5\n6,7\n');
    await fails(publishArgs(file), /ragged\.csv:3: row has 3 fields; the header has 2/);
    const quote = join(dir, 'open-quote.csv');
    writeFileSync(quote, 'a,b\n1,"never closed\n');
    await fails(publishArgs(quote), /open-quote\.csv:2: a quoted cell is never closed/);
  });

  it('an unknown batch, and another lead’s batch', async () => {
    await fails(['batch', 'cancel', '--batch', 'b_nope'], /SC_BATCH_UNKNOWN/);
    await fails(['results', '--batch', 'b_nope', '--follow'], /SC_BATCH_UNKNOWN/);
    const mine = await json<{ batch: string }>(publishArgs(writeInputs('two.jsonl', '1\n2\n')));
    await fails(['batch', 'cancel', '--batch', mine.batch], /SC_FORBIDDEN/, otherEnv);
    await fails(['batch', 'list', '--project', project], /SC_FORBIDDEN/, otherEnv);
    await fails(['batch', 'list', '--project', 'no-such'], /SC_PROJECT_UNKNOWN/);
    await fails(['results', '--batch', mine.batch, '--format', 'xml'], /--format/);
    await fails(publishArgs(join(dir, 'two.jsonl'), '--format', 'dir'), /not a directory/);
    await fails(publishArgs(dir, '--format', 'csv'), /is a directory/);
  });
});

function writeInputs(name: string, text: string): string {
  const file = join(dir, name);
  writeFileSync(file, text);
  return file;
}

describe('publishing', () => {
  it('publishes 300,000 JSONL lines, past the old 100,000 cap', async () => {
    const published = await json<{ batch: string; units: number }>(publishArgs(big));
    expect(published).toEqual({ batch: expect.stringMatching(/^b_/), units: BIG });
    const status = await json<{ total: number; done: boolean }>(['status', '--batch', published.batch]);
    expect(status).toMatchObject({ total: BIG, done: false });
    const count = await sql().get<{ n: number; last: number }>(
      'SELECT COUNT(DISTINCT idx) AS n, MAX(idx) AS last FROM units WHERE batch = ?',
      [published.batch],
    );
    expect(count).toEqual({ n: BIG, last: BIG - 1 });
  });

  it('a publish killed half-way and re-run with the same --batch-name ends with every unit once, in order', async () => {
    const args = publishArgs(big, '--batch-name', 'ensemble-1');
    const child = spawn(process.execPath, [CLI, ...args], { env: { ...process.env, ...env }, stdio: 'ignore' });
    const exited = new Promise((resolve) => child.on('exit', resolve));
    let heldAtKill = 0;
    for (;;) {
      const batch = await server.store.findBatchByName(project, 'ensemble-1');
      if (batch && batch.total >= 60_000) {
        child.kill('SIGKILL');
        heldAtKill = batch.total;
        break;
      }
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    await exited;
    const killed = (await server.store.findBatchByName(project, 'ensemble-1'))!;
    expect(killed.state).toBe('open');
    expect(killed.total).toBeGreaterThanOrEqual(heldAtKill);
    expect(killed.total).toBeLessThan(BIG);
    const resumed = await json<{ batch: string; units: number }>(args);
    expect(resumed).toEqual({ batch: killed.id, units: BIG });
    const units = await unitsOf(killed.id);
    expect(units.length).toBe(BIG);
    expect(units.every(([idx, input]) => input === `{"i":${idx}}`)).toBe(true);
    expect((await server.store.getBatch(killed.id))!.state).toBe('closed');
    // running it a third time adds nothing
    expect(await json(args)).toEqual({ batch: killed.id, units: BIG });
    expect((await server.store.getBatch(killed.id))!.total).toBe(BIG);
  });

  it('reads CSV rows as JSON objects and a directory as one unit per file, in name order', async () => {
    const csv = writeInputs(
      'grid.csv',
      'from,to,label,flag\r\n1,10,"a, b",true\r\n11,20,"say ""hi""",false\r\n21,30,007,x\r\n',
    );
    const fromCsv = await json<{ batch: string; units: number }>(publishArgs(csv));
    expect(fromCsv.units).toBe(3);
    expect((await unitsOf(fromCsv.batch)).map(([, text]) => JSON.parse(text))).toEqual([
      { from: 1, to: 10, label: 'a, b', flag: true },
      { from: 11, to: 20, label: 'say "hi"', flag: false },
      { from: 21, to: 30, label: '007', flag: 'x' },
    ]);
    const folder = join(dir, 'units');
    mkdirSync(folder);
    for (const n of [10, 2, 1]) writeFileSync(join(folder, `unit-${n}.bin`), Buffer.from([n, 0, 255]));
    writeFileSync(join(folder, '.hidden'), 'left out');
    const fromDir = await json<{ batch: string; units: number }>(publishArgs(folder));
    expect(fromDir.units).toBe(3);
    const rows = await sql().all<{ input: Buffer; enc: string }>(
      'SELECT input, input_encoding AS enc FROM units WHERE batch = ? ORDER BY idx',
      [fromDir.batch],
    );
    expect(rows.map((r) => [...r.input])).toEqual([
      [1, 0, 255],
      [2, 0, 255],
      [10, 0, 255],
    ]);
    expect(rows.every((r) => r.enc === 'base64')).toBe(true);
  });
});

describe('following and stopping batches', () => {
  it('results --follow prints results as they validate until the batch is complete; --format csv', async () => {
    const inputs = writeInputs(
      'follow.jsonl',
      Array.from({ length: 20 }, (_, i) => `{"n":${i},"s":"x${i}"}`).join('\n'),
    );
    // A project of its own: the volunteers below lease from it only.
    const quiet = (await json<{ id: string }>(['project', 'create', 'CLI follow'])).id;
    const { batch } = await json<{ batch: string }>(publishTo(quiet, inputs, '--replication', 'full'));
    const follower = cli(['results', '--batch', batch, '--follow'], env);
    await new Promise((resolve) => setTimeout(resolve, 1500)); // it is waiting, with nothing validated yet
    const pair = [new SimVolunteer(server.url, honest), new SimVolunteer(server.url, honest)];
    for (const v of pair) await v.register();
    for (let round = 0; round < 4; round++) {
      const leases = await Promise.all(pair.map((v) => v.lease(5, [quiet])));
      await Promise.all(pair.map((v, i) => v.work(leases[i]!)));
    }
    const followed = await follower;
    expect(followed.status, followed.stderr).toBe(0);
    const lines = followed.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { index: number; seq: number; output: unknown });
    // in validation order: every unit once, each with its input's output, seq rising
    expect(lines.map((l) => l.index).sort((a, b) => a - b)).toEqual(Array.from({ length: 20 }, (_, i) => i));
    for (const line of lines) expect(line.output).toEqual({ n: line.index, s: `x${line.index}` });
    expect(lines.map((l) => l.seq)).toEqual(lines.map((l) => l.seq).sort((a, b) => a - b));
    const inOrder = (await ok(['results', '--batch', batch, '--follow', '--order', 'input'])).stdout.trim().split('\n');
    expect(inOrder.map((l) => (JSON.parse(l) as { index: number }).index)).toEqual(
      Array.from({ length: 20 }, (_, i) => i),
    );
    const csv = (await ok(['results', '--batch', batch, '--format', 'csv'])).stdout.split('\n');
    expect(csv[0]).toBe('index,input.n,input.s,output.n,output.s');
    expect(csv[1]).toBe('0,0,x0,0,x0');
    expect(csv).toHaveLength(22); // header, 20 rows, and the final newline
  });

  it('batch list shows each batch; batch cancel stops one and keeps validated results', async () => {
    const inputs = writeInputs('cancel.jsonl', Array.from({ length: 10 }, (_, i) => String(i)).join('\n'));
    const small = (await json<{ id: string }>(['project', 'create', 'CLI cancel'])).id;
    const { batch } = await json<{ batch: string }>(
      publishTo(small, inputs, '--batch-name', 'to-cancel', '--replication', 'full'),
    );
    const [a, b] = [new SimVolunteer(server.url, honest), new SimVolunteer(server.url, honest)];
    await a!.register();
    await b!.register();
    await a!.work(await a!.lease(2, [small]));
    await b!.work(await b!.lease(2, [small]));
    const inFlight = await a!.lease(3, [small]);
    expect(inFlight).toHaveLength(3);
    const cancelled = await json<{ state: string; voided: number; cancelled: number; counts: { done: number } }>([
      'batch',
      'cancel',
      '--batch',
      batch,
    ]);
    expect(cancelled).toMatchObject({ state: 'cancelled', voided: 3, cancelled: 8, counts: { done: 2 } });
    expect(await b!.lease(10, [small])).toEqual([]);
    const kept = (await ok(['results', '--batch', batch])).stdout.trim().split('\n');
    expect(kept.map((l) => (JSON.parse(l) as { output: unknown }).output)).toEqual([0, 1]);
    await json(publishTo(small, inputs));
    const listed = (await ok(['batch', 'list', '--project', small])).stdout;
    expect(listed).toMatch(
      new RegExp(`^${batch}  to-cancel  \\d{4}-\\d\\d-\\d\\dT[^ ]+  2/10 done  .*cancelled$`, 'm'),
    );
    const { batches } = await json<{ batches: { batch: string; state: string }[] }>([
      'batch',
      'list',
      '--project',
      small,
    ]);
    expect(batches.map((x) => x.state)).toEqual(['closed', 'cancelled']); // newest first
  });
});

describe('on a terminal', () => {
  const hasScript = spawnSync('script', ['--version']).status === 0;
  /** Runs the CLI under a pseudo-terminal (util-linux `script`), so stdout and stderr are TTYs. */
  const onTty = (args: string[]) => {
    const command = [process.execPath, CLI, ...args].map((a) => `'${a}'`).join(' ');
    return new Promise<{ status: number | null; stdout: string }>((resolve) => {
      const child = spawn('script', ['-qec', command, '/dev/null'], { env: { ...process.env, ...env } });
      let stdout = '';
      child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
      child.on('close', (status) => resolve({ status, stdout }));
    });
  };

  it.skipIf(!hasScript)('kernel add prints a validation report', async () => {
    const run = await onTty(['kernel', 'add', 'dist/kernels/collatz.wasm']);
    expect(run.status, run.stdout).toBe(0);
    expect(run.stdout).toMatch(/kernel accepted: ABI sc1/);
    expect(run.stdout).toMatch(/imports: .*sc\.progress \(function\)/);
    expect(run.stdout).toMatch(
      /exports: .*run \(function\).*memory \(memory\)|exports: .*memory \(memory\).*run \(function\)/,
    );
    expect(run.stdout).toMatch(/memory: +min \d+ pages? \(/);
    expect(run.stdout).toMatch(/size: +[\d,]+ bytes/);
    expect(run.stdout).toMatch(/hash: +[0-9a-f]{64}/);
  });

  it.skipIf(!hasScript)('publish shows a progress bar with rate and ETA', async () => {
    const run = await onTty(publishArgs(big));
    expect(run.status, run.stdout).toBe(0);
    expect(run.stdout).toMatch(/publishing \[.*\] \d+% \| [\d]+\/300000 units \| [\d,]+ units\/s \| .* left/);
    expect(run.stdout).toMatch(/\bb_[A-Za-z0-9_-]{11}\b/);
  });
});
