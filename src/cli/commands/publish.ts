import { existsSync } from 'node:fs';
import type { Command } from 'commander';
import type { ValidatorKind } from '../../protocol/api.js';
import type { Policy } from '../../sdk/types.js';
import { action, CliError, parseNumber, parsePositiveInt } from '../cli-error.js';
import { INPUT_FORMATS, openInputs, type InputFormat } from '../inputs/input-file.js';
import { readJsonl } from '../jsonl.js';
import { printJson, sdkFor, withServerOptions, type ServerOptions } from '../options.js';
import { rateBar } from '../progress.js';
import { readKernelFile } from './kernel.js';

/** Units per request: big chunks keep a million-unit publish fast, well under the body limit. */
const CHUNK_UNITS = 20_000;

interface PublishOptions extends ServerOptions {
  project: string;
  kernel: string;
  inputs: string;
  format?: string;
  batchName?: string;
  quorum?: number;
  maxResults?: number;
  deadline?: number;
  credit?: number;
  validator?: string;
  tolerance?: number;
  maxRunSeconds?: number;
  replication?: string;
  quiz?: string;
}

const HASH = /^[0-9a-f]{64}$/;

function quizLine(file: string, line: unknown, index: number): { input: unknown; output: unknown } {
  if (line === null || typeof line !== 'object' || !('input' in line) || !('output' in line)) {
    throw new CliError(`${file}: quiz entry ${index + 1} must be {"input":…,"output":…}`);
  }
  return { input: line.input, output: line.output };
}

export function registerPublish(program: Command): void {
  withServerOptions(
    program
      .command('publish')
      .description(
        'publish a batch of work units (JSONL lines, CSV rows or the files of a directory), streamed in chunks; prints the batch id',
      )
      .requiredOption('--project <id>', 'project id')
      .requiredOption('--kernel <hash|file.wasm>', 'kernel hash (from `kernel add`) or a .wasm file to upload')
      .requiredOption(
        '--inputs <path>',
        'a JSONL file (one JSON value per unit), a CSV file (a header row, one unit per row) or a directory (one unit per file)',
      )
      .option(
        '--format <jsonl|csv|dir>',
        'how to read --inputs (default: dir for a directory, csv for *.csv, else jsonl)',
      )
      .option(
        '--batch-name <name>',
        'name the batch; re-running the same publish with the same name resumes it, adding nothing twice',
      )
      .option('--quorum <n>', 'agreeing results needed (default 2)', parsePositiveInt('--quorum'))
      .option(
        '--max-results <n>',
        'give a unit up after this many results (default 5)',
        parsePositiveInt('--max-results'),
      )
      .option('--deadline <seconds>', 'lease deadline (default 600)', parsePositiveInt('--deadline'))
      .option('--credit <n>', 'credit per validated result (default 1)', parseNumber('--credit'))
      .option('--validator <kind>', 'exact | json-tolerance (default exact)')
      .option('--tolerance <r>', 'relative tolerance for json-tolerance', parseNumber('--tolerance'))
      .option(
        '--max-run-seconds <n>',
        'time budget of one kernel run (default 300)',
        parsePositiveInt('--max-run-seconds'),
      )
      .option('--replication <mode>', 'adaptive (default: trusted volunteers may work alone) | full (always quorum)')
      .option('--quiz <file.jsonl>', 'known-answer units, one {"input":…,"output":…} per line, mixed in unseen'),
  ).action(
    action(async (options: PublishOptions) => {
      if (options.validator !== undefined && !['exact', 'json-tolerance'].includes(options.validator)) {
        throw new CliError(`--validator must be "exact" or "json-tolerance", got "${options.validator}"`);
      }
      if (options.replication !== undefined && !['adaptive', 'full'].includes(options.replication)) {
        throw new CliError(`--replication must be "adaptive" or "full", got "${options.replication}"`);
      }
      if (options.format !== undefined && !INPUT_FORMATS.includes(options.format as InputFormat)) {
        throw new CliError(`--format must be one of ${INPUT_FORMATS.join(', ')}, got "${options.format}"`);
      }
      const client = sdkFor(options);
      const quiz = options.quiz
        ? (await readJsonl(options.quiz)).map((line, i) => quizLine(options.quiz!, line, i))
        : [];
      // Every unit is checked before anything is sent: a bad line leaves nothing on the server.
      const inputs = await openInputs(options.inputs, options.format as InputFormat | undefined);
      let kernel = options.kernel;
      if (!HASH.test(kernel)) {
        if (!existsSync(kernel))
          throw new CliError(`--kernel must be a 64-hex-digit hash or a .wasm file; "${kernel}" is neither`);
        kernel = (await client.kernels.add(await readKernelFile(kernel))).hash;
      }
      const policy: Policy = {};
      if (options.quorum !== undefined) policy.quorum = options.quorum;
      if (options.maxResults !== undefined) policy.maxResults = options.maxResults;
      if (options.deadline !== undefined) policy.deadlineSeconds = options.deadline;
      if (options.credit !== undefined) policy.credit = options.credit;
      if (options.validator !== undefined) policy.validator = options.validator as ValidatorKind;
      if (options.tolerance !== undefined) policy.tolerance = options.tolerance;
      if (options.maxRunSeconds !== undefined) policy.maxRunSeconds = options.maxRunSeconds;
      if (options.replication !== undefined) policy.replication = options.replication as 'adaptive' | 'full';
      const bar = rateBar('publishing', inputs.count);
      const batch = await client
        .publish({
          project: options.project,
          kernel,
          inputs: inputs.values(),
          ...policy,
          ...(options.batchName !== undefined ? { name: options.batchName } : {}),
          ...(quiz.length > 0 ? { quiz } : {}),
          chunkUnits: CHUNK_UNITS,
          onProgress: (units) => bar.update(units),
        })
        .finally(() => bar.stop());
      const units = batch.units ?? inputs.count;
      if (options.json) printJson({ batch: batch.id, units });
      else process.stdout.write(`${batch.id}\n`);
    }),
  );
}
