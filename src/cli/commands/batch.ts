// `sparecycles batch list|cancel`: a lead's batches in a project, and stopping one.
import type { Command } from 'commander';
import type { BatchStatus } from '../../protocol/api.js';
import { action } from '../cli-error.js';
import { printJson, sdkFor, withServerOptions, type ServerOptions } from '../options.js';

function describeBatch(b: BatchStatus): string {
  const { unsent, inFlight, validating, done, error } = b.counts;
  const state = b.state === 'cancelled' ? 'cancelled' : b.done ? 'done' : b.state === 'open' ? 'uploading' : 'running';
  return [
    b.batch,
    b.name ?? '-',
    new Date(b.createdAt).toISOString(),
    `${done}/${b.total} done`,
    `${error} error`,
    `${validating} validating`,
    `${inFlight} in flight`,
    `${unsent} unsent`,
    ...(b.state === 'cancelled' ? [`${b.cancelled} cancelled`] : []),
    state,
  ].join('  ');
}

export function registerBatch(program: Command): void {
  const batch = program.command('batch').description('batches: list them, cancel one');
  withServerOptions(
    batch
      .command('list')
      .description("a project's batches, newest first: id, name, created, counts per state, done")
      .requiredOption('--project <id>', 'project id'),
  ).action(
    action(async (options: ServerOptions & { project: string }) => {
      const batches = await sdkFor(options).batches.list(options.project);
      if (options.json) printJson({ batches });
      else if (batches.length === 0) process.stdout.write(`no batches in project ${options.project}\n`);
      else for (const b of batches) process.stdout.write(describeBatch(b) + '\n');
    }),
  );
  withServerOptions(
    batch
      .command('cancel')
      .description('stop a batch: unsent units never go out, leases in flight are voided, validated results stay')
      .requiredOption('--batch <id>', 'batch id'),
  ).action(
    action(async (options: ServerOptions & { batch: string }) => {
      const status = await sdkFor(options).batch(options.batch).cancel();
      if (options.json) {
        const { batch: id, state, total, counts, cancelled, voided } = status;
        printJson({ batch: id, state, total, counts, cancelled, voided });
      } else {
        process.stdout.write(
          `batch ${status.batch} cancelled: ${status.counts.done} validated results kept, ` +
            `${status.cancelled} units stopped, ${status.voided} leases voided\n`,
        );
      }
    }),
  );
}
