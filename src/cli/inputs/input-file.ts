// The units a publish reads from --inputs: a JSONL file, a CSV file or a directory. Every
// format is read twice, streaming: once to check every unit and count them (so a bad line is
// named before anything is sent, and the progress bar knows its total), then to upload.
import { stat } from 'node:fs/promises';
import { MAX_INPUT_BYTES } from '../../protocol/abi.js';
import { CliError } from '../cli-error.js';
import { csvUnits } from './csv-inputs.js';
import { dirUnits } from './dir-inputs.js';
import { jsonlUnits } from './jsonl-inputs.js';

export type InputFormat = 'jsonl' | 'csv' | 'dir';
export const INPUT_FORMATS: readonly InputFormat[] = ['jsonl', 'csv', 'dir'];

/** One unit read from the inputs: a JSON value or raw bytes, and where it came from. */
export interface ReadUnit {
  value: unknown;
  /** "file:line" or the file's path, for messages. */
  where: string;
}

export interface InputFile {
  format: InputFormat;
  count: number;
  /** The units again, in order, for the upload. */
  values(): AsyncGenerator<unknown>;
}

function unitsOf(path: string, format: InputFormat): AsyncGenerator<ReadUnit> {
  if (format === 'csv') return csvUnits(path);
  if (format === 'dir') return dirUnits(path);
  return jsonlUnits(path);
}

function sizeOf(value: unknown): number {
  return value instanceof Uint8Array ? value.length : Buffer.byteLength(JSON.stringify(value));
}

/** Checks every unit of `path` and counts them; the format is guessed when not given. */
export async function openInputs(path: string, format?: InputFormat): Promise<InputFile> {
  let isDir: boolean;
  try {
    isDir = (await stat(path)).isDirectory();
  } catch (err) {
    throw new CliError(`cannot read inputs ${path}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
  const chosen = format ?? (isDir ? 'dir' : path.toLowerCase().endsWith('.csv') ? 'csv' : 'jsonl');
  if (isDir !== (chosen === 'dir')) {
    throw new CliError(
      isDir ? `${path} is a directory: use --format dir` : `${path} is a file, not a directory (--format dir)`,
    );
  }
  let count = 0;
  for await (const unit of unitsOf(path, chosen)) {
    const size = sizeOf(unit.value);
    if (size > MAX_INPUT_BYTES)
      throw new CliError(`${unit.where}: the input is ${size} bytes; the limit is ${MAX_INPUT_BYTES}`);
    count++;
  }
  if (count === 0) {
    const how =
      chosen === 'dir'
        ? 'put one file per unit in it'
        : chosen === 'csv'
          ? 'write a header row and one row per unit'
          : 'write one JSON value per line';
    throw new CliError(`${path} has no inputs: ${how}`);
  }
  return {
    format: chosen,
    count,
    async *values() {
      for await (const unit of unitsOf(path, chosen)) yield unit.value;
    },
  };
}
