import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import type { Writable } from 'node:stream';
import type { Command } from 'commander';
import type { ResultLine } from '../../protocol/api.js';
import { bytesToBase64 } from '../../protocol/encoding.js';
import type { BatchResult } from '../../sdk/types.js';
import { action, CliError } from '../cli-error.js';
import { sdkFor, withServerOptions, type ServerOptions } from '../options.js';
import { ResultsCsv } from '../results-csv.js';

interface ResultsOptions extends ServerOptions {
  batch: string;
  out?: string;
  follow?: boolean;
  format?: string;
  order?: string;
}

/** A result as a line of the API's JSONL: bytes back to base64, marked as such. */
function jsonlLine(result: BatchResult): string {
  const line: ResultLine = {
    index: result.index,
    ...(result.seq !== undefined ? { seq: result.seq } : {}),
    input: result.input instanceof Uint8Array ? bytesToBase64(result.input) : result.input,
    output: result.output instanceof Uint8Array ? bytesToBase64(result.output) : result.output,
    ...(result.input instanceof Uint8Array ? { inputEncoding: 'base64' as const } : {}),
    ...(result.output instanceof Uint8Array ? { outputEncoding: 'base64' as const } : {}),
  };
  return JSON.stringify(line) + '\n';
}

async function write(out: Writable, text: string): Promise<void> {
  if (!out.write(text)) await once(out, 'drain');
}

export function registerResults(program: Command): void {
  withServerOptions(
    program
      .command('results')
      .description('validated outputs of a batch as JSONL ({"index","input","output"} per line, in input order) or CSV')
      .requiredOption('--batch <id>', 'batch id (from `publish`)')
      .option('--out <file>', 'write to a file instead of stdout')
      .option('--follow', 'keep printing results as they validate (validation order) until the batch is complete')
      .option('--format <jsonl|csv>', 'jsonl (default) or csv: index, then the input and output fields')
      .option(
        '--order <input|validated>',
        'input order (default without --follow) or the order units validated in (default with --follow)',
      ),
  ).action(
    action(async (options: ResultsOptions) => {
      const format = options.format ?? 'jsonl';
      if (format !== 'jsonl' && format !== 'csv') throw new CliError(`--format must be jsonl or csv, got "${format}"`);
      // Following prints each result as it validates; a one-off read is in input order.
      const order = options.order ?? (options.follow ? 'validated' : 'input');
      if (order !== 'input' && order !== 'validated')
        throw new CliError(`--order must be input or validated, got "${order}"`);
      const batch = sdkFor(options).batch(options.batch);
      // Asked first, so an unknown batch fails before an --out file is made.
      await batch.status();
      const out: Writable = options.out ? createWriteStream(options.out) : process.stdout;
      const csv = new ResultsCsv();
      for await (const result of batch.results({ order, follow: options.follow ?? false })) {
        await write(out, format === 'csv' ? csv.line(result) : jsonlLine(result));
      }
      if (options.out) {
        out.end();
        await once(out, 'finish');
      }
    }),
  );
}
