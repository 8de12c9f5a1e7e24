// CPU use of a headless volunteer (`sparecycles volunteer --threads 1 --cpu-percent P`) against P:
// the volunteer process's utime + stime (all its threads, from /proc) over a window in the middle
// of a run of ~50 ms primes units, server in its own process. Goal as for the page: within ±5
// points of 25, 50 and 100 %. CLI_THROTTLE_SETTINGS=50 runs one setting.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { it } from 'vitest';
import { CLI, cliJson } from '../helpers/cli.js';
import { startServerProcess } from '../helpers/server-process.js';
import { CLK_TCK } from './browser/proc-cpu.js';
import { report, round } from './report.js';

const SETTINGS = (process.env.CLI_THROTTLE_SETTINGS ?? '25,50,100').split(',').map(Number);
const WARM_MS = 3000;
const WINDOW_MS = 10_000;
/** Primes span of about 50 ms per unit on this machine's class of core. */
const SPAN = 90_000_000;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** utime + stime of one process, every thread included, in seconds. */
function cpuSeconds(pid: number): number {
  const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / CLK_TCK;
}

it('headless volunteer CPU use against --cpu-percent', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'sc-bench-'));
  const { child: server, url } = await startServerProcess(join(dir, 'data'));
  try {
    const { token } = await cliJson<{ token: string }>(['token', 'create', '--data-dir', join(dir, 'data')]);
    const env = { SPARECYCLES_TOKEN: token, SPARECYCLES_SERVER: url };
    const rows = [];
    for (const percent of SETTINGS) {
      const project = (await cliJson<{ id: string }>(['project', 'create', `throttle ${percent}`], env)).id;
      const inputs = join(dir, `inputs-${percent}.jsonl`);
      // More than the run can finish at 100 %, so the volunteer never runs dry in the window.
      const units = Math.ceil(((WARM_MS + WINDOW_MS) / 50) * 2);
      writeFileSync(
        inputs,
        Array.from({ length: units }, (_, i) => JSON.stringify({ from: i * 1000, to: i * 1000 + SPAN })).join('\n'),
      );
      await cliJson(
        ['publish', '--project', project, '--kernel', 'dist/kernels/primes.wasm', '--inputs', inputs, '--quorum', '1'],
        env,
      );
      const volunteer = spawn(
        process.execPath,
        [CLI, 'volunteer', '--project', project, '--threads', '1', '--cpu-percent', String(percent)],
        { env: { ...process.env, ...env }, stdio: 'ignore' },
      );
      try {
        await sleep(WARM_MS);
        const cpuBefore = cpuSeconds(volunteer.pid!);
        const wallBefore = performance.now();
        await sleep(WINDOW_MS);
        const used = cpuSeconds(volunteer.pid!) - cpuBefore;
        const measured = (100 * used) / ((performance.now() - wallBefore) / 1000);
        const error = measured - percent;
        process.stderr.write(`[cli-throttle] ${percent} %: measured ${measured.toFixed(1)} %\n`);
        rows.push({
          setting: `${percent}%`,
          'volunteer process CPU %': round(measured, 1),
          'error (points)': round(error, 1),
          'goal |error| ≤ 5': Math.abs(error) <= 5 ? 'met' : 'missed',
        });
      } finally {
        volunteer.kill('SIGTERM');
        await new Promise((resolve) => volunteer.once('exit', resolve));
      }
    }
    report('cli-throttle', rows, {
      note: `1 thread, primes units of ~50 ms (span ${SPAN}), ${WINDOW_MS / 1000} s window after ${WARM_MS / 1000} s of warm-up; the volunteer process only (the server runs in its own)`,
    });
  } finally {
    server.kill('SIGTERM');
    rmSync(dir, { recursive: true, force: true });
  }
});
