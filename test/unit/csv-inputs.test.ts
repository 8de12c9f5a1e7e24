// The CSV reader behind `publish --format csv`: RFC 4180 quoting across chunk boundaries, line
// numbers that count the newlines inside quoted cells, and the one-line errors it names.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { csvRecords, csvUnits } from '../../src/cli/inputs/csv-inputs.js';

const dir = mkdtempSync(join(tmpdir(), 'sc-csv-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function records(chunks: string[]) {
  const out = [];
  for await (const r of csvRecords(
    (async function* () {
      yield* chunks;
    })(),
    'f.csv',
  ))
    out.push([r.line, ...r.cells]);
  return out;
}

async function units(text: string) {
  const file = join(dir, `u${Math.random()}.csv`);
  writeFileSync(file, text);
  const out = [];
  for await (const u of csvUnits(file)) out.push(u.value);
  return out;
}

describe('CSV inputs', () => {
  it('reads quoted commas, doubled quotes and newlines, whichever chunk a character lands in', async () => {
    const text = 'a,b\r\n"x, ""y""",1\n"two\nlines",2\n\n3,""\n';
    const whole = await records([text]);
    expect(whole).toEqual([
      [1, 'a', 'b'],
      [2, 'x, "y"', '1'],
      [3, 'two\nlines', '2'],
      [6, '3', ''],
    ]);
    for (let cut = 1; cut < text.length; cut++) {
      expect(await records([text.slice(0, cut), text.slice(cut)])).toEqual(whole);
    }
  });

  it('makes each row an object of the header’s fields; unquoted numbers and booleans are JSON', async () => {
    expect(await units('n,s,q,b\n7,x,"7",true\n-1.5e3,,"",false\n')).toEqual([
      { n: 7, s: 'x', q: '7', b: true },
      { n: -1500, s: '', q: '', b: false },
    ]);
    expect(await units('n\n007\n1.\n')).toEqual([{ n: '007' }, { n: '1.' }]);
  });

  it('names the line of a ragged row, an unclosed quote, text after a quote and a bad header', async () => {
    await expect(units('a,b\n"multi\nline",1\n1,2,3\n')).rejects.toThrow(/:4: row has 3 fields; the header has 2/);
    await expect(units('a\n1\n"open\n')).rejects.toThrow(/:3: a quoted cell is never closed/);
    await expect(units('a\n"x"y\n')).rejects.toThrow(/:2: text after a closing quote/);
    await expect(units('a,a\n1,2\n')).rejects.toThrow(/:1: .*"a" is named twice/);
    await expect(units('a,\n1,2\n')).rejects.toThrow(/:1: .*field 2 has no name/);
  });
});
