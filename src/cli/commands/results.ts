import { createWriteStream } from 'node:fs';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import type { Command } from 'commander';
import { action, CliError } from '../cli-error.js';
import { clientFor, withServerOptions, type ServerOptions } from '../options.js';

export function registerResults(program: Command): void {
  withServerOptions(
    program
      .command('results')
      .description('validated outputs of a batch as JSONL ({"index","input","output"} per line, in input order)')
      .requiredOption('--batch <id>', 'batch id (from `publish`)')
      .option('--out <file>', 'write to a file instead of stdout'),
  ).action(
    action(async (options: ServerOptions & { batch: string; out?: string }) => {
      const response = await clientFor(options).results(options.batch);
      if (!response.body) throw new CliError('the server sent no results body');
      const source = Readable.fromWeb(response.body as WebReadableStream<Uint8Array>);
      await pipeline(source, options.out ? createWriteStream(options.out) : process.stdout);
    }),
  );
}
