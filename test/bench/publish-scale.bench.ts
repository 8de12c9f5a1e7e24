// Publishing at scale: 1,000,000 small units (`{"i":n}`) through the CLI into a server in its
// own process (SQLite): wall time, units/s, peak RSS of the CLI (GNU time) and of the server
// (VmHWM); and `client.map` over 10,000 tiny units with 2 headless volunteers: end-to-end time
// over the sum of kernel time (each unit's kernel run once, in this process, bare).
import { spawn } from 'node:child_process';
import { createWriteStream, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { once } from 'node:events';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { it } from 'vitest';
import { jsonToBytes } from '../../src/protocol/encoding.js';
import { runKernel } from '../../src/runtime/kernel-host.js';
import { Client } from '../../src/sdk/index.js';
import { CLI, cliJson } from '../helpers/cli.js';
import { startServerProcess } from '../helpers/server-process.js';
import { report, round } from './report.js';

const UNITS = 1_000_000;
const MAP_UNITS = 10_000;

/** CPU seconds (user + system) a process has used so far, from /proc. */
const cpuSeconds = (pid: number) => {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
};

const peakRssMb = (pid: number) => {
  const kb = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))![1]!;
  return round(Number(kb) / 1024, 1);
};

/** Runs the CLI under GNU time: its wall seconds and peak RSS. */
function timedCli(args: string[], env: Record<string, string>, timesFile: string) {
  return new Promise<{
    status: number | null;
    stdout: string;
    stderr: string;
    rssMb: number;
    seconds: number;
    cpu: number;
  }>((resolve, reject) => {
    const child = spawn('/usr/bin/time', ['-f', '%M %e %U %S', '-o', timesFile, process.execPath, CLI, ...args], {
      env: { ...process.env, ...env },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (status) => {
      const [kb, seconds, user, system] = readFileSync(timesFile, 'utf8')
        .trim()
        .split('\n')
        .pop()!
        .split(' ')
        .map(Number);
      resolve({
        status,
        stdout,
        stderr,
        rssMb: round(kb! / 1024, 1),
        seconds: seconds!,
        cpu: round(user! + system!, 2),
      });
    });
  });
}

it('publishes 1,000,000 units through the CLI, and maps 10,000 tiny units on 2 volunteers', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'sc-bench-publish-'));
  const { child: server, url } = await startServerProcess(join(dir, 'data'));
  const volunteers: ReturnType<typeof spawn>[] = [];
  try {
    const { token } = await cliJson<{ token: string }>(['token', 'create', '--data-dir', join(dir, 'data')]);
    const env = { SPARECYCLES_TOKEN: token, SPARECYCLES_SERVER: url };
    const project = (await cliJson<{ id: string }>(['project', 'create', 'bench publish'], env)).id;
    const { hash } = await cliJson<{ hash: string }>(['kernel', 'add', 'dist/test-kernels/echo.wasm'], env);
    const inputs = join(dir, 'million.jsonl');
    const out = createWriteStream(inputs);
    for (let i = 0; i < UNITS; i += 10_000) {
      let text = '';
      for (let j = i; j < i + 10_000; j++) text += `{"i":${j}}\n`;
      if (!out.write(text)) await once(out, 'drain');
    }
    out.end();
    await once(out, 'finish');
    const serverCpuBefore = cpuSeconds(server.pid!);
    const run = await timedCli(
      ['publish', '--project', project, '--kernel', hash, '--inputs', inputs, '--json'],
      env,
      join(dir, 'time.txt'),
    );
    if (run.status !== 0) throw new Error(`publish failed: ${run.stderr}`);
    const published = JSON.parse(run.stdout) as { units: number };
    if (published.units !== UNITS) throw new Error(`published ${published.units} units, not ${UNITS}`);
    const serverRss = peakRssMb(server.pid!);
    const serverCpu = round(cpuSeconds(server.pid!) - serverCpuBefore, 2);
    const fileMb = (name: string) => statSync(join(dir, 'data', name), { throwIfNoEntry: false })?.size ?? 0;
    const dbMb = round((fileMb('sparecycles.db') + fileMb('sparecycles.db-wal')) / 2 ** 20, 1);

    // map: 10,000 tiny collatz units on two headless volunteers, at quorum 2 (adaptive)
    const client = new Client({ server: url, token });
    const mapProject = (await client.projects.create('bench map')).id;
    const kernel = new Uint8Array(readFileSync('dist/kernels/collatz.wasm'));
    const tiny = Array.from({ length: MAP_UNITS }, (_, i) => ({ from: i + 1, to: i + 2 }));
    for (let i = 0; i < 2; i++) {
      volunteers.push(
        spawn(process.execPath, [CLI, 'volunteer', '--server', url, '--project', mapProject, '--json'], {
          stdio: ['ignore', 'pipe', 'ignore'],
        }),
      );
    }
    const started = performance.now();
    const outputs = await client.map(kernel, tiny, { project: mapProject, pollMs: 200 });
    const endToEnd = (performance.now() - started) / 1000;
    if (outputs.length !== MAP_UNITS) throw new Error(`map gave ${outputs.length} outputs`);
    const summaries = await Promise.all(
      volunteers.map(async (v) => {
        let text = '';
        v.stdout!.on('data', (d: Buffer) => (text += d.toString()));
        v.kill('SIGTERM');
        await once(v, 'close');
        return JSON.parse(text) as { completed: number };
      }),
    );
    const replicas = summaries.reduce((sum, s) => sum + s.completed, 0);
    const module = new WebAssembly.Module(kernel);
    const kernelStart = performance.now();
    for (const input of tiny) {
      const outcome = await runKernel(module, jsonToBytes(input), { maxOutputBytes: 1 << 20 });
      if (!outcome.ok) throw new Error(outcome.error.message);
    }
    const kernelSeconds = (performance.now() - kernelStart) / 1000;

    report(
      'publish-scale',
      [
        {
          what: `CLI publish of ${UNITS.toLocaleString('en')} units {"i":n}`,
          'wall s': run.seconds,
          'units/s': Math.round(UNITS / run.seconds),
          'CLI CPU s': run.cpu,
          'server CPU s': serverCpu,
          'CLI peak RSS MB': run.rssMb,
          'server peak RSS MB': serverRss,
          'SQLite file + WAL MB': dbMb,
        },
        {
          what: `client.map over ${MAP_UNITS.toLocaleString('en')} tiny collatz units, 2 volunteers`,
          'end-to-end s': round(endToEnd, 2),
          'kernel s (each unit once, bare)': round(kernelSeconds, 3),
          'end-to-end / kernel': round(endToEnd / kernelSeconds, 1),
          'replicas computed': replicas,
        },
      ],
      {
        note:
          'publish: wall time includes the CLI checking every line first, then streaming 20,000-unit chunks; ' +
          'CPU seconds are user + system (the wall time depends on what else the 2 cores run); ' +
          'server on SQLite in its own process; server RSS is its VmHWM after the publish. map: volunteers ' +
          'started just before the call; kernel time is each input run once through runKernel in this process.',
      },
    );
  } finally {
    for (const v of volunteers) v.kill('SIGKILL');
    server.kill('SIGTERM');
    rmSync(dir, { recursive: true, force: true });
  }
});
