// Mutation of a valid body's serialised JSON text: truncation, junk, BOMs, comments, duplicate
// keys, flipped bits, odd number tokens. Text the server cannot parse must be refused.
import { flipBit, int, pick, weighted } from './prng.js';
import type { Outcome } from './requests.js';
import { isJson, RAW_INVALID, RAW_VALID, randomJson, serialize } from './values.js';

/** Whether the server's JSON parser (UTF-8, JSON.parse) accepts these bytes. */
const parses = (payload: string | Buffer) => isJson(Buffer.from(payload).toString('utf8'));

/** Mutates the serialised JSON text; a result the server cannot parse must be refused. */
export function mutateText(text: string, body: unknown): { text: string | Buffer; outcome: Outcome } {
  const mutated = mutateTextOnce(text, body);
  const expect = parses(mutated.text) ? mutated.outcome.expect : 'reject';
  return { text: mutated.text, outcome: { what: mutated.outcome.what, expect } };
}

function mutateTextOnce(text: string, body: unknown): { text: string | Buffer; outcome: Outcome } {
  const isObject = body !== null && typeof body === 'object' && !Array.isArray(body) && text.startsWith('{');
  const op = weighted([
    [3, 'truncate'],
    [2, 'append'],
    [1, 'bom'],
    [1, 'comment'],
    [1, 'pad'],
    [isObject ? 3 : 0, 'dup-first'],
    [isObject ? 2 : 0, 'dup-last'],
    [2, 'flip'],
    [1, 'raw-number'],
    [1, 'single-quotes'],
  ] as const);
  switch (op) {
    case 'truncate':
      return { text: text.slice(0, int(0, text.length - 1)), outcome: { what: 'truncated JSON', expect: 'any' } };
    case 'append':
      return {
        text: text + pick([',', '}', ']', ' x', '\u0000', '{}', '"', 'garbage', '\n{"max":1}']),
        outcome: { what: 'junk after JSON', expect: 'any' },
      };
    case 'bom':
      return { text: '\ufeff' + text, outcome: { what: 'BOM before JSON', expect: 'any' } };
    case 'comment':
      return { text: text.replace(/^\{/, '{/* c */'), outcome: { what: 'comment in JSON', expect: 'any' } };
    case 'pad':
      return { text: `\n \t${text}\r\n `, outcome: { what: 'whitespace around JSON', expect: 'any' } };
    case 'dup-first': {
      const key = pick(Object.keys(body as object).length ? Object.keys(body as object) : ['x']);
      const text2 = `{${JSON.stringify(key)}:${serialize(randomJson(2))},${text.slice(1)}`;
      // the later (valid) occurrence wins in JSON.parse
      return {
        text: text2.replace(',}', '}'),
        outcome: { what: `duplicate key ${key} (garbage first)`, expect: 'any' },
      };
    }
    case 'dup-last': {
      const key = pick(Object.keys(body as object).length ? Object.keys(body as object) : ['x']);
      const inner = text.slice(1, -1).trim();
      const text2 = `{${inner}${inner ? ',' : ''}${JSON.stringify(key)}:${serialize(randomJson(2))}}`;
      return { text: text2, outcome: { what: `duplicate key ${key} (garbage last)`, expect: 'any' } };
    }
    case 'flip': {
      const bytes = Buffer.from(text);
      if (bytes.length === 0) return { text, outcome: { what: 'flip (empty)', expect: 'any' } };
      const at = flipBit(bytes);
      return { text: bytes, outcome: { what: `flipped byte ${at}`, expect: 'any' } };
    }
    case 'raw-number': {
      const token = pick([...RAW_VALID, ...RAW_INVALID]);
      const replaced = text.replace(/(:\s*)-?\d+(\.\d+)?([eE][+-]?\d+)?/, `$1${token}`);
      return { text: replaced, outcome: { what: `number → ${token}`, expect: 'any' } };
    }
    default:
      return { text: text.replace(/"/g, "'"), outcome: { what: 'single quotes', expect: 'any' } };
  }
}
