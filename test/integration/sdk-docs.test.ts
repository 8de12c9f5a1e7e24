// docs/SDK.md's examples, run as written: each ```js block is saved as a script in the
// package's root (so `import … from 'sparecycles'` resolves by self-reference, as it would for
// a lead) and run with Node against a real server with two headless volunteers; its output
// must equal the ```text block that follows it.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPublisherToken } from '../../src/server/auth.js';
import { startServer, type RunningServer } from '../../src/server/serve.js';
import { assertBuilt, CLI } from '../helpers/cli.js';

const ROOT = join(import.meta.dirname, '..', '..');
const doc = readFileSync(join(ROOT, 'docs', 'SDK.md'), 'utf8');
const examples = [...doc.matchAll(/```js\n([\s\S]*?)```\s*```text\n([\s\S]*?)```/g)].map((m) => ({
  code: m[1]!,
  expected: m[2]!,
}));

let server: RunningServer;
let dir: string;
let scripts: string;
let env: Record<string, string>;
const volunteers: ChildProcess[] = [];

beforeAll(async () => {
  assertBuilt();
  dir = mkdtempSync(join(tmpdir(), 'sc-sdk-docs-'));
  scripts = mkdtempSync(join(ROOT, 'test', '.sdk-docs-'));
  server = await startServer({ port: 0, dataDir: join(dir, 'data'), logger: false });
  env = { SPARECYCLES_SERVER: server.url, SPARECYCLES_TOKEN: await createPublisherToken(server.store, 1) };
  for (let i = 0; i < 2; i++) {
    volunteers.push(spawn(process.execPath, [CLI, 'volunteer', '--server', server.url], { stdio: 'ignore' }));
  }
});

afterAll(async () => {
  for (const child of volunteers) child.kill('SIGKILL');
  await server?.close();
  rmSync(dir, { recursive: true, force: true });
  if (scripts) rmSync(scripts, { recursive: true, force: true });
});

function runScript(file: string): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [file], { cwd: ROOT, env: { ...process.env, ...env } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (status) => resolve({ status, stdout, stderr }));
  });
}

describe('docs/SDK.md', () => {
  it('has runnable examples, each with its expected output', () => {
    expect(examples.length).toBeGreaterThanOrEqual(3);
    for (const example of examples) expect(example.code).toContain("from 'sparecycles'");
  });

  examples.forEach((example, i) => {
    it(`example ${i + 1} prints what the doc says`, async () => {
      const file = join(scripts, `example-${i + 1}.mjs`);
      writeFileSync(file, example.code);
      const run = await runScript(file);
      expect(run.status, run.stderr).toBe(0);
      expect(run.stdout).toBe(example.expected);
    });
  });
});
