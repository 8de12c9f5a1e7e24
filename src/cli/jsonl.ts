// Reads a JSONL file of unit inputs, naming the first bad line so the lead can fix it.
import { readFile } from 'node:fs/promises';
import { CliError } from './cli-error.js';

export async function readJsonl(file: string, onProgress?: (done: number, total: number) => void): Promise<unknown[]> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    throw new CliError(
      `cannot read inputs file ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`,
    );
  }
  const lines = text.split('\n');
  const values: unknown[] = [];
  lines.forEach((line, i) => {
    if (line.trim() === '') return;
    try {
      values.push(JSON.parse(line));
    } catch (err) {
      throw new CliError(`${file}:${i + 1}: line ${i + 1} is not valid JSON (${(err as Error).message})`);
    }
    if (onProgress && i % 10000 === 0) onProgress(i, lines.length);
  });
  if (values.length === 0) throw new CliError(`${file} has no inputs: write one JSON value per line`);
  return values;
}
