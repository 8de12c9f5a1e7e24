// Prints a bench's table and keeps its figures as JSON under test/bench/results/.
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';

export function report(
  name: string,
  rows: Record<string, string | number>[],
  notes: Record<string, unknown> = {},
): void {
  console.log(`\n## ${name}`);
  console.table(rows);
  const dir = join('test', 'bench', 'results');
  mkdirSync(dir, { recursive: true });
  const result = {
    bench: name,
    at: new Date().toISOString(),
    node: process.version,
    cpu: cpus()[0]?.model,
    cores: cpus().length,
    rows,
    ...notes,
  };
  writeFileSync(join(dir, `${name}.json`), JSON.stringify(result, null, 2) + '\n');
}

export const round = (n: number, digits = 3) => Number(n.toFixed(digits));
