import type { Command } from 'commander';
import type { BatchStatus } from '../../protocol/api.js';
import { action } from '../cli-error.js';
import { printJson, sdkFor, withServerOptions, type ServerOptions } from '../options.js';
import { progressBar } from '../progress.js';

function describe(status: BatchStatus): string {
  const { unsent, inFlight, validating, done, error } = status.counts;
  return (
    `batch ${status.batch} (${status.project}): ${done}/${status.total} done, ${error} error, ` +
    `${validating} validating, ${inFlight} in flight, ${unsent} unsent` +
    (status.state === 'cancelled'
      ? `, ${status.cancelled} cancelled — cancelled`
      : status.done
        ? ' — complete'
        : status.state === 'open'
          ? ' — still uploading'
          : '')
  );
}

export function registerStatus(program: Command): void {
  withServerOptions(
    program
      .command('status')
      .description('unit counts per state of a batch')
      .requiredOption('--batch <id>', 'batch id (from `publish`)')
      .option('--watch', 'follow with a progress bar until the batch is complete'),
  ).action(
    action(async (options: ServerOptions & { batch: string; watch?: boolean }) => {
      const batch = sdkFor(options).batch(options.batch);
      let status = await batch.status();
      if (options.watch && !status.done) {
        const bar = progressBar(`batch ${status.batch}`, status.total);
        while (!status.done) {
          bar.update(status.counts.done + status.counts.error);
          await new Promise((resolve) => setTimeout(resolve, 1000));
          status = await batch.status();
        }
        bar.update(status.total);
        bar.stop();
      }
      if (options.json) {
        const { batch, name, state, counts, cancelled, done, total, errors } = status;
        printJson({ batch, name, state, counts, cancelled, done, total, errors });
      } else {
        process.stdout.write(describe(status) + '\n');
        for (const error of status.errors) process.stdout.write(`  unit ${error.index}: ${error.reason}\n`);
      }
    }),
  );
}
