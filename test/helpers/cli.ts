// Runs the built `sparecycles` command (dist/node, made by `npm run build`, which npm test runs
// first). Always asynchronous: a synchronous spawn would block the in-process test server.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

export const CLI = 'bin/sparecycles.js';

export function assertBuilt(): void {
  if (!existsSync('dist/node/cli/main.js'))
    throw new Error('dist/node is missing: run `npm run build` before these tests');
}

export interface CliResult {
  status: number | null;
  stdout: string;
  stderr: string;
}

export function cli(
  args: string[],
  env: Record<string, string> = {},
  timeoutMs = 120_000,
  /** The package whose command runs: another build of it (a benchmark's baseline), or this one. */
  root = '.',
): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join(root, CLI), ...args], { env: { ...process.env, ...env } });
    let stdout = '';
    let stderr = '';
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (status) => {
      clearTimeout(timer);
      resolve({ status, stdout, stderr });
    });
  });
}

export async function cliJson<T>(args: string[], env: Record<string, string> = {}, root = '.'): Promise<T> {
  const result = await cli([...args, '--json'], env, 120_000, root);
  if (result.status !== 0) throw new Error(`sparecycles ${args.join(' ')} failed (${result.status}): ${result.stderr}`);
  return JSON.parse(result.stdout) as T;
}
