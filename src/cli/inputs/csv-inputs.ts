// CSV inputs (RFC 4180): the header row names the fields, each further row is one unit, a
// JSON object. An unquoted cell that reads as a JSON number, true or false becomes one; every
// other cell, and every quoted cell, is a string. A ragged row is named by its line.
import { createReadStream } from 'node:fs';
import { CliError } from '../cli-error.js';
import type { ReadUnit } from './input-file.js';

interface CsvRecord {
  cells: string[];
  quoted: boolean[];
  line: number;
}

/** Records of CSV text arriving in chunks; quoted cells may hold commas, quotes and newlines. */
export async function* csvRecords(chunks: AsyncIterable<string>, file: string): AsyncGenerator<CsvRecord> {
  let cells: string[] = [];
  let quoted: boolean[] = [];
  let cell = '';
  let isQuoted = false;
  let inQuotes = false;
  let quoteSeen = false; // a quote inside quotes: the end of the cell, or the first of a pair
  let line = 1;
  let start = 1;
  const endCell = () => {
    cells.push(cell);
    quoted.push(isQuoted);
    cell = '';
    isQuoted = false;
  };
  const endRecord = (): CsvRecord | undefined => {
    endCell();
    const record = { cells, quoted, line: start };
    cells = [];
    quoted = [];
    const blank = record.cells.length === 1 && record.cells[0] === '' && !record.quoted[0];
    return blank ? undefined : record;
  };
  for await (const text of chunks) {
    for (let i = 0; i < text.length; i++) {
      const ch = text[i]!;
      if (inQuotes) {
        if (quoteSeen) {
          quoteSeen = false;
          if (ch === '"') {
            cell += '"';
            continue;
          }
          inQuotes = false; // the quote closed the cell; fall through to read `ch` outside quotes
        } else {
          if (ch === '"') quoteSeen = true;
          else {
            if (ch === '\n') line++;
            cell += ch;
          }
          continue;
        }
      }
      if (ch === ',') endCell();
      else if (ch === '\n') {
        const record = endRecord();
        line++;
        start = line;
        if (record) yield record;
      } else if (ch === '\r') continue;
      else if (ch === '"' && cell === '' && !isQuoted) {
        inQuotes = true;
        isQuoted = true;
      } else if (isQuoted) {
        throw new CliError(`${file}:${line}: text after a closing quote; double a quote inside a quoted cell ("")`);
      } else cell += ch;
    }
  }
  if (inQuotes && !quoteSeen) throw new CliError(`${file}:${start}: a quoted cell is never closed`);
  const last = endRecord();
  if (last) yield last;
}

const NUMBER = /^-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?$/;

function cellValue(text: string, quoted: boolean): unknown {
  if (quoted) return text;
  if (NUMBER.test(text)) return Number(text);
  if (text === 'true') return true;
  if (text === 'false') return false;
  return text;
}

export async function* csvUnits(file: string): AsyncGenerator<ReadUnit> {
  let header: string[] | undefined;
  for await (const record of csvRecords(createReadStream(file, 'utf8'), file)) {
    if (!header) {
      const names = record.cells.map((name) => name.trim());
      const bad = names.findIndex((name, i) => name === '' || names.indexOf(name) !== i);
      if (bad >= 0) {
        const what = names[bad] === '' ? `field ${bad + 1} has no name` : `field "${names[bad]}" is named twice`;
        throw new CliError(`${file}:${record.line}: the header row names each field once; ${what}`);
      }
      header = names;
      continue;
    }
    if (record.cells.length !== header.length) {
      throw new CliError(
        `${file}:${record.line}: row has ${record.cells.length} fields; the header has ${header.length}`,
      );
    }
    const value: Record<string, unknown> = {};
    header.forEach((name, i) => (value[name] = cellValue(record.cells[i]!, record.quoted[i]!)));
    yield { value, where: `${file}:${record.line}` };
  }
}
