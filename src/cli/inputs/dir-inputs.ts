// Directory inputs: one unit per file, its raw bytes, in name order (numbers compared as
// numbers, so unit-2 comes before unit-10). Hidden files are left out.
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { CliError } from '../cli-error.js';
import type { ReadUnit } from './input-file.js';

const byName = new Intl.Collator('en', { numeric: true }).compare;

export async function* dirUnits(dir: string): AsyncGenerator<ReadUnit> {
  const entries = (await readdir(dir, { withFileTypes: true }))
    .filter((e) => !e.name.startsWith('.'))
    .sort((a, b) => byName(a.name, b.name));
  for (const entry of entries) {
    const path = join(dir, entry.name);
    if (!entry.isFile()) throw new CliError(`${path} is not a file: each unit of --format dir is one file`);
    yield { value: new Uint8Array(await readFile(path)), where: path };
  }
}
