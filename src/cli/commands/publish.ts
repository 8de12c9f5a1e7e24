import { existsSync } from 'node:fs';
import type { Command } from 'commander';
import type { PublishRequest, ValidatorKind } from '../../protocol/api.js';
import { action, CliError, parseNumber, parsePositiveInt } from '../cli-error.js';
import { readJsonl } from '../jsonl.js';
import { clientFor, printJson, withServerOptions, type ServerOptions } from '../options.js';
import { progressBar } from '../progress.js';
import { readKernelFile } from './kernel.js';

interface PublishOptions extends ServerOptions {
  project: string;
  kernel: string;
  inputs: string;
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
      .description('publish a batch of work units, one per line of a JSONL file; prints the batch id')
      .requiredOption('--project <id>', 'project id')
      .requiredOption('--kernel <hash|file.wasm>', 'kernel hash (from `kernel add`) or a .wasm file to upload')
      .requiredOption('--inputs <file.jsonl>', 'one JSON value per line; each becomes one unit')
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
      const client = clientFor(options);
      const quiz = options.quiz
        ? (await readJsonl(options.quiz)).map((line, i) => quizLine(options.quiz!, line, i))
        : [];
      const bar = progressBar('reading inputs', 1, 'lines');
      const inputs = await readJsonl(options.inputs, (done, total) => bar.update(done, total)).finally(() =>
        bar.stop(),
      );
      let kernel = options.kernel;
      if (!HASH.test(kernel)) {
        if (!existsSync(kernel))
          throw new CliError(`--kernel must be a 64-hex-digit hash or a .wasm file; "${kernel}" is neither`);
        kernel = (await client.addKernel(await readKernelFile(kernel))).hash;
      }
      const body: PublishRequest = { kernel, inputs };
      if (options.quorum !== undefined) body.quorum = options.quorum;
      if (options.maxResults !== undefined) body.maxResults = options.maxResults;
      if (options.deadline !== undefined) body.deadlineSeconds = options.deadline;
      if (options.credit !== undefined) body.credit = options.credit;
      if (options.validator !== undefined) body.validator = options.validator as ValidatorKind;
      if (options.tolerance !== undefined) body.tolerance = options.tolerance;
      if (options.maxRunSeconds !== undefined) body.maxRunSeconds = options.maxRunSeconds;
      if (options.replication !== undefined) body.replication = options.replication as 'adaptive' | 'full';
      if (quiz.length > 0) body.quiz = quiz;
      if (process.stderr.isTTY) process.stderr.write(`uploading ${inputs.length} units…\n`);
      const published = await client.publish(options.project, body);
      if (options.json) printJson({ batch: published.batch, units: published.units });
      else process.stdout.write(`${published.batch}\n`);
    }),
  );
}
