// JSONL inputs, one JSON value per line, streamed; a bad line is named by its number.
import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { CliError } from '../cli-error.js';
import type { ReadUnit } from './input-file.js';

export async function* jsonlUnits(file: string): AsyncGenerator<ReadUnit> {
  const lines = createInterface({ input: createReadStream(file, 'utf8'), crlfDelay: Infinity });
  let n = 0;
  for await (const line of lines) {
    n++;
    if (line.trim() === '') continue;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch (err) {
      lines.close();
      throw new CliError(`${file}:${n}: line ${n} is not valid JSON (${(err as Error).message})`);
    }
    yield { value, where: `${file}:${n}` };
  }
}
