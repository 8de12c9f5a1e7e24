// The `sparecycles` command on bad input: every failure is one line on stderr starting with
// "sparecycles: ", a non-zero exit, nothing on stdout, and nothing written on the server.
//
// This suite runs the built CLI (`node bin/sparecycles.js` → dist/node/cli/main.js), so it
// needs `npm run build` first (`npm test` does that). The server runs in this process; the CLI
// is spawned asynchronously because a blocking spawnSync would stop this process from
// answering the CLI's requests.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type RunningServer } from '../../src/server/serve.js';
import { storeSnapshot } from '../helpers/store-snapshot.js';

const ROOT = join(import.meta.dirname, '..', '..');
const BIN = join(ROOT, 'bin', 'sparecycles.js');
const CLI_MAIN = join(ROOT, 'dist', 'node', 'cli', 'main.js');
const NOT_WASM_FILE = join(ROOT, 'test', 'fixtures', 'not-wasm.bin');
const KERNEL_FILE = join(ROOT, 'dist', 'test-kernels', 'echo.wasm');
const TIMEOUT_MS = 30_000;

interface Run {
  status: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

let server: RunningServer;
let dataDir = '';
let work = '';
let token = '';
let project = '';
let kernel = '';
let closedPort = 0;

/** Runs the CLI with SPARECYCLES_TOKEN / SPARECYCLES_SERVER cleared unless given in `env`. */
function cli(args: string[], env: Record<string, string> = {}): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], {
      cwd: work || ROOT,
      env: { ...process.env, SPARECYCLES_TOKEN: '', SPARECYCLES_SERVER: '', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    const timer = setTimeout(() => child.kill('SIGKILL'), TIMEOUT_MS);
    child.on('error', reject);
    child.on('close', (status, signal) => {
      clearTimeout(timer);
      resolve({ status, signal, stdout, stderr });
    });
  });
}

/** Every row of every table on the server: equal snapshots mean nothing was written. */
const snapshot = () => storeSnapshot(server.store);

function expectOneLineFailure(run: Run, message?: RegExp): void {
  const shown = JSON.stringify(run);
  expect(run.signal, `killed (timeout ${TIMEOUT_MS} ms?): ${shown}`).toBeNull();
  expect(run.status, shown).not.toBe(0);
  expect(run.stdout, shown).toBe('');
  expect(run.stderr, shown).toMatch(/^sparecycles: [^\n]+\n$/);
  if (message) expect(run.stderr, shown).toMatch(message);
}

/** Runs a CLI invocation that must fail in one line and leave the server untouched. */
async function fails(args: string[], message?: RegExp, env: Record<string, string> = {}): Promise<Run> {
  const before = await snapshot();
  const run = await cli(args, env);
  expectOneLineFailure(run, message);
  expect(await snapshot()).toEqual(before);
  return run;
}

const withServer = (...args: string[]) => [...args, '--server', server.url];
const withToken = (...args: string[]) => [...withServer(...args), '--token', token];

function writeWork(name: string, text: string): string {
  const file = join(work, name);
  writeFileSync(file, text);
  return file;
}

async function freePort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const address = probe.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  return port;
}

beforeAll(async () => {
  if (!existsSync(CLI_MAIN)) {
    throw new Error(`${CLI_MAIN} is missing: run \`npm run build\` before this suite (npm test does)`);
  }
  if (!existsSync(KERNEL_FILE)) {
    throw new Error(`${KERNEL_FILE} is missing: run \`npm run build\` to build the test kernels`);
  }
  dataDir = mkdtempSync(join(tmpdir(), 'sparecycles-cli-errors-'));
  work = mkdtempSync(join(tmpdir(), 'sparecycles-cli-work-'));
  server = await startServer({ port: 0, dataDir, demo: false, logger: false });
  closedPort = await freePort();

  const created = await cli(['token', 'create', '--data-dir', dataDir, '--json']);
  expect(created.status, JSON.stringify(created)).toBe(0);
  token = (JSON.parse(created.stdout) as { token: string }).token;
  expect(token).toMatch(/^scp_/);

  const p = await cli(withToken('project', 'create', 'CLI errors', '--json'));
  expect(p.status, JSON.stringify(p)).toBe(0);
  project = (JSON.parse(p.stdout) as { id: string }).id;
  const k = await cli(withToken('kernel', 'add', KERNEL_FILE, '--json'));
  expect(k.status, JSON.stringify(k)).toBe(0);
  kernel = (JSON.parse(k.stdout) as { hash: string }).hash;
  expect(kernel).toMatch(/^[0-9a-f]{64}$/);
});

afterAll(async () => {
  await server?.close();
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  if (work) rmSync(work, { recursive: true, force: true });
});

describe('sparecycles fails in one line and writes nothing', () => {
  it('kernel add of a file that is not WebAssembly', async () => {
    await fails(withToken('kernel', 'add', NOT_WASM_FILE), /not a WebAssembly module.*SC_KERNEL_INVALID/);
  });

  it('kernel add of a file that does not exist', async () => {
    await fails(withToken('kernel', 'add', join(work, 'missing.wasm')), /missing\.wasm.*ENOENT/);
  });

  it('publish with a malformed JSONL line names the line', async () => {
    const inputs = writeWork('bad-line-3.jsonl', '{"n": 1}\n{"n": 2}\n{"n": 3,}\n{"n": 4}\n');
    await fails(withToken('publish', '--project', project, '--kernel', kernel, '--inputs', inputs), /line 3\b/);
  });

  it('publish with an --inputs file that does not exist', async () => {
    await fails(
      withToken('publish', '--project', project, '--kernel', kernel, '--inputs', join(work, 'nope.jsonl')),
      /nope\.jsonl.*ENOENT/,
    );
  });

  it('publish without --inputs', async () => {
    await fails(withToken('publish', '--project', project, '--kernel', kernel), /--inputs/);
  });

  it('publish with an empty inputs file', async () => {
    const inputs = writeWork('empty.jsonl', '\n\n');
    await fails(withToken('publish', '--project', project, '--kernel', kernel, '--inputs', inputs), /no inputs/);
  });

  it('publish with --quorum 0', async () => {
    const inputs = writeWork('good.jsonl', '1\n2\n');
    await fails(
      withToken('publish', '--project', project, '--kernel', kernel, '--inputs', inputs, '--quorum', '0'),
      /--quorum/,
    );
  });

  it('publish to an unknown project', async () => {
    const inputs = writeWork('good.jsonl', '1\n2\n');
    await fails(
      withToken('publish', '--project', 'no-such-project', '--kernel', kernel, '--inputs', inputs),
      /SC_PROJECT_UNKNOWN/,
    );
  });

  it('a wrong --token', async () => {
    const inputs = writeWork('good.jsonl', '1\n2\n');
    const wrong = ['--token', 'scp_not-a-real-token'];
    await fails([...withServer('project', 'create', 'nope'), ...wrong], /SC_TOKEN_INVALID/);
    await fails([...withServer('kernel', 'add', KERNEL_FILE), ...wrong], /SC_TOKEN_INVALID/);
    await fails(
      [...withServer('publish', '--project', project, '--kernel', kernel, '--inputs', inputs), ...wrong],
      /SC_TOKEN_INVALID/,
    );
    await fails([...withServer('status', '--batch', 'b_x'), ...wrong], /SC_TOKEN_INVALID/);
    // a wrong token in the environment is refused the same way
    await fails(withServer('project', 'create', 'nope'), /SC_TOKEN_INVALID/, { SPARECYCLES_TOKEN: 'scp_env-wrong' });
  });

  it('no token at all (SPARECYCLES_TOKEN unset)', async () => {
    const inputs = writeWork('good.jsonl', '1\n2\n');
    const noToken = /publisher token is needed.*SPARECYCLES_TOKEN/;
    await fails(withServer('project', 'create', 'nope'), noToken);
    await fails(withServer('kernel', 'add', KERNEL_FILE), noToken);
    await fails(withServer('publish', '--project', project, '--kernel', kernel, '--inputs', inputs), noToken);
    await fails(withServer('status', '--batch', 'b_x'), noToken);
    await fails(withServer('results', '--batch', 'b_x'), noToken);
  });

  it('an unreachable --server (a closed port)', async () => {
    const closed = `http://127.0.0.1:${closedPort}`;
    const inputs = writeWork('good.jsonl', '1\n2\n');
    const unreachable = /cannot reach the server/;
    await fails(['project', 'create', 'nope', '--server', closed, '--token', token], unreachable);
    await fails(['kernel', 'add', KERNEL_FILE, '--server', closed, '--token', token], unreachable);
    await fails(
      ['publish', '--project', project, '--kernel', kernel, '--inputs', inputs, '--server', closed, '--token', token],
      unreachable,
    );
    await fails(['status', '--batch', 'b_x', '--server', closed, '--token', token], unreachable);
    await fails(['volunteer', '--server', closed, '--exit-when-idle'], /cannot (reach|register)/);
  });

  it('a --server that is not a URL', async () => {
    await fails(['status', '--batch', 'b_x', '--server', 'not a url', '--token', token], /--server/);
  });

  it('volunteer --threads 0', async () => {
    await fails(withServer('volunteer', '--threads', '0', '--exit-when-idle'), /--threads/);
  });

  it('volunteer --cpu-percent out of 1–100 or not an integer', async () => {
    for (const bad of ['0', '101', '50.5', 'half', ''])
      await fails(
        withServer('volunteer', '--cpu-percent', bad, '--exit-when-idle'),
        /--cpu-percent must be an integer from 1 to 100/,
      );
  });

  it('an unknown command', async () => {
    await fails(['frobnicate'], /frobnicate/);
  });

  it('an unknown option', async () => {
    await fails(withToken('status', '--batch', 'b_x', '--colour'), /--colour/);
  });
});

describe('project create with a Chinese description', () => {
  it('keeps both texts, and refuses one too long with a one-line error', async () => {
    const run = await cli(
      withToken('project', 'create', 'Bilingual', '--description', 'Counts', '--description-zh', '计数', '--json'),
    );
    expect(run.status, JSON.stringify(run)).toBe(0);
    const id = (JSON.parse(run.stdout) as { id: string }).id;
    const listed = (await (await fetch(`${server.url}/api/v1/projects`)).json()) as { projects: { id: string }[] };
    expect(listed.projects.find((p) => p.id === id)).toMatchObject({
      description: 'Counts',
      descriptions: { zh: '计数' },
    });
    await fails(withToken('project', 'create', 'Too long', '--description-zh', '字'.repeat(4001)), /SC_BAD_REQUEST/);
  });
});

describe('sparecycles --help', () => {
  const commands: [string[], string[]][] = [
    [[], ['serve', 'token', 'project', 'kernel', 'publish', 'status', 'results', 'volunteer']],
    [['serve'], ['--port', '--data-dir', '--demo', '--quiet']],
    [
      ['token', 'create'],
      ['--data-dir', '--json'],
    ],
    [
      ['project', 'create'],
      ['--description', '--description-zh', '--server', '--token', '--json'],
    ],
    [
      ['kernel', 'add'],
      ['--server', '--token', '--json'],
    ],
    [
      ['publish'],
      [
        '--project',
        '--kernel',
        '--inputs',
        '--quorum',
        '--max-results',
        '--deadline',
        '--credit',
        '--validator',
        '--tolerance',
        '--max-run-seconds',
        '--server',
        '--token',
        '--json',
      ],
    ],
    [['status'], ['--batch', '--watch', '--server', '--token', '--json']],
    [['results'], ['--batch', '--out', '--server', '--token', '--json']],
    [
      ['volunteer'],
      [
        '--server',
        '--threads',
        '--cpu-percent',
        '--max-units',
        '--exit-when-idle',
        '--project',
        '--state-dir',
        '--scalar-kernels',
        '--json',
      ],
    ],
  ];

  for (const [command, options] of commands) {
    it(`${['sparecycles', ...command].join(' ')} --help exits 0 and lists ${options.length} options/commands`, async () => {
      const before = await snapshot();
      const run = await cli([...command, '--help']);
      expect(run.status, JSON.stringify(run)).toBe(0);
      expect(run.stderr).toBe('');
      expect(run.stdout).toContain(`Usage: ${['sparecycles', ...command].join(' ')}`);
      for (const option of options) expect(run.stdout, `mentions ${option}`).toMatch(new RegExp(`(^|\\s)${option}\\b`));
      expect(await snapshot()).toEqual(before);
    });
  }
});
