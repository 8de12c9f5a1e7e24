import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Command } from 'commander';
import { HttpTransport } from '../../runtime/http-transport.js';
import { FileStore } from '../../runtime/node/file-store.js';
import { ThreadFactory } from '../../runtime/node/thread-factory.js';
import { MAX_CPU_PERCENT, MIN_CPU_PERCENT } from '../../runtime/throttle.js';
import { VolunteerRuntime } from '../../runtime/volunteer-runtime.js';
import { DEFAULT_SERVER, normaliseServer } from '../api-client.js';
import { action, CliError, parseIntInRange, parsePositiveInt } from '../cli-error.js';
import { printJson } from '../options.js';
import { progressBar } from '../progress.js';

interface VolunteerOptions {
  server: string;
  threads: number;
  cpuPercent: number;
  maxUnits?: number;
  exitWhenIdle?: boolean;
  project?: string[];
  stateDir?: string;
  scalarKernels?: boolean;
  json?: boolean;
}

export function registerVolunteer(program: Command): void {
  program
    .command('volunteer')
    .description('a headless volunteer: leases units, runs them in worker threads, returns results')
    .option('--server <url>', 'task server URL', process.env.SPARECYCLES_SERVER ?? DEFAULT_SERVER)
    .option('--threads <n>', 'kernel threads', parsePositiveInt('--threads'), 1)
    .option(
      '--cpu-percent <p>',
      `share of each thread's time spent computing, ${MIN_CPU_PERCENT}–${MAX_CPU_PERCENT}; the rest it idles`,
      parseIntInRange('--cpu-percent', MIN_CPU_PERCENT, MAX_CPU_PERCENT),
      MAX_CPU_PERCENT,
    )
    .option('--max-units <n>', 'stop after this many units', parsePositiveInt('--max-units'))
    .option('--exit-when-idle', 'exit once the server has no work and every result is uploaded')
    .option('--project <id...>', 'only work for these projects')
    .option(
      '--state-dir <dir>',
      'keep identity, buffered units and the outbox here (default: a fresh temporary identity)',
    )
    .option(
      '--scalar-kernels',
      "run SIMD kernels' scalar fallback builds (sc.fallback), as an engine without SIMD would",
    )
    .option('--json', 'print a JSON summary on exit')
    .action(
      action(async (options: VolunteerOptions) => {
        if (options.threads > 256) throw new CliError(`--threads must be at most 256, got ${options.threads}`);
        const ephemeral = options.stateDir === undefined;
        const stateDir = options.stateDir ?? mkdtempSync(join(tmpdir(), 'sparecycles-volunteer-'));
        const runtime = new VolunteerRuntime({
          transport: new HttpTransport(normaliseServer(options.server)),
          store: new FileStore(stateDir),
          workers: new ThreadFactory({ preferFallback: options.scalarKernels === true }),
          threads: options.threads,
          cpuPercent: options.cpuPercent,
          ...(options.project ? { projects: options.project } : {}),
          ...(options.maxUnits ? { maxUnits: options.maxUnits } : {}),
          exitWhenIdle: options.exitWhenIdle ?? false,
        });
        let identity;
        try {
          identity = await runtime.identity();
        } catch (err) {
          const cause = (err as { cause?: { code?: string } }).cause?.code;
          if (cause) throw new CliError(`cannot reach the server at ${options.server} (${cause}); is it running?`);
          throw new CliError(`cannot register with ${options.server}: ${(err as Error).message}`);
        }
        const bar = progressBar(`volunteer ${identity.name}`, options.maxUnits ?? 0);
        let lastError = '';
        runtime.on((event) => {
          if (event.type === 'unit-done') bar.update(runtime.stats.completed + runtime.stats.failed, options.maxUnits);
          if (event.type === 'error') lastError = event.message;
        });
        const interrupted = new Promise<void>((resolve) => {
          process.once('SIGINT', resolve);
          process.once('SIGTERM', resolve);
        });
        await runtime.start();
        await Promise.race([runtime.done, interrupted]);
        await runtime.close();
        bar.stop();
        const summary = { volunteer: identity.volunteer, name: identity.name, ...runtime.stats };
        if (options.json) printJson(summary);
        else {
          process.stderr.write(
            `volunteer ${identity.name}: ${summary.completed} units computed, ${summary.failed} failed, ${summary.uploaded} uploaded\n`,
          );
        }
        if (ephemeral) rmSync(stateDir, { recursive: true, force: true });
        if (lastError && summary.completed === 0) throw new CliError(lastError);
        process.exit(process.exitCode ?? 0);
      }),
    );
}
