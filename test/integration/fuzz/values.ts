// Random values for bodies, fields, headers and paths: odd strings, odd numbers, random JSON, and
// raw JSON text (numbers like 1e999, nesting deeper than JSON.stringify goes) spliced in after
// serialisation through markers.
import { chance, int, pick, rng, weighted } from './prng.js';

export const b64 = (text: string | Buffer) => Buffer.from(text).toString('base64');

export function isJson(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}

export const WEIRD = [
  '',
  ' ',
  '\u0000',
  '\n',
  '\r\n',
  '\t',
  '\\',
  '"',
  "'",
  '\u202e',
  '\ufeff',
  '\u200b',
  '\u00a0',
  '\u0085',
  '\u2028',
  '\u001b[31m',
  '😀',
  '\ud800',
  '\udfff',
  'e\u0301',
  '𝔘𝔫𝔦𝔠𝔬𝔡𝔢',
  'NaN',
  'Infinity',
  '-Infinity',
  'undefined',
  'null',
  'true',
  '1e999',
  '-0',
  '0x10',
  '__proto__',
  'constructor',
  'prototype',
  'toString',
  '../../etc/passwd',
  '..\\..\\windows',
  '%00',
  '%2e%2e%2f',
  '${7*7}',
  '{{7*7}}',
  '<script>alert(1)</script>',
  "' OR 1=1 --",
  '"; DROP TABLE units; --',
  'scp_',
  'scv_',
  'b_',
  'v_',
];
const PRINTABLE = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.~!*()+/=:;,@ ';

export function asciiText(n: number): string {
  let s = '';
  for (let i = 0; i < n; i++) s += PRINTABLE[int(0, PRINTABLE.length - 1)];
  return s;
}

export function randomText(max = 24): string {
  switch (int(0, 5)) {
    case 0:
      return pick(WEIRD);
    case 1:
      return asciiText(int(0, max));
    case 2: {
      let s = '';
      for (let i = int(1, max); i > 0; i--) s += String.fromCharCode(int(0, 0xffff));
      return s;
    }
    case 3:
      return pick(WEIRD) + asciiText(int(0, 8)) + pick(WEIRD);
    case 4: {
      let s = '';
      for (let i = int(1, 8); i > 0; i--) s += String.fromCodePoint(int(0x10000, 0x10ffff));
      return s;
    }
    default:
      return String(int(-1e6, 1e9));
  }
}

/** Latin-1 text for header values. */
export function headerText(n: number): string {
  let s = '';
  for (let i = 0; i < n; i++) s += String.fromCharCode(chance(0.9) ? int(0x20, 0x7e) : int(0xa0, 0xff));
  return s;
}

export const RAW_VALID = [
  '1e999',
  '-1e999',
  '-0',
  '1E+2',
  '1e-400',
  '9007199254740993',
  '1.0',
  '0.0e0',
  '12345678901234567890123',
];
export const RAW_INVALID = [
  'NaN',
  'Infinity',
  '-Infinity',
  'undefined',
  '01',
  '0x10',
  '+1',
  '.5',
  '1.',
  '-',
  '1e',
  "'x'",
  '0b1',
];

/** Raw JSON text to splice in place of a marker string once the body is serialised. */
const rawTokens = new Map<string, string>();
let markerSeq = 0;
export function rawJson(text: string): string {
  const marker = `@@raw${markerSeq++}@@`;
  rawTokens.set(marker, text);
  return marker;
}
/** Forgets the markers of the request just built. */
export const clearRawJson = () => rawTokens.clear();

/** Nested arrays or objects `depth` deep, as JSON text (JSON.stringify itself overflows past ~5000). */
export function deepText(depth: number, kind = pick(['array', 'object', 'mixed'] as const)): string {
  if (kind === 'array') return '['.repeat(depth) + ']'.repeat(depth);
  if (kind === 'object') return '{"a":'.repeat(depth) + '0' + '}'.repeat(depth);
  return '[{"a":'.repeat(depth) + '1' + '}]'.repeat(depth);
}
const DEEP_DEPTHS = [64, 1000, 4096, 5000, 12_000, 60_000, 150_000];
export const deepDepth = () => weighted(DEEP_DEPTHS.map((d) => [d > 50_000 ? 0.3 : 1, d] as const));

export function serialize(value: unknown, space?: number): string {
  const text = JSON.stringify(value, null, space) ?? 'null';
  if (!text.includes('@@raw')) return text;
  return text.replace(/"@@raw\d+@@"/g, (quoted) => rawTokens.get(quoted.slice(1, -1)) ?? quoted);
}

export function defineOwn(target: object, key: string, value: unknown): void {
  // Plain assignment of "__proto__" would set the prototype instead of adding a key.
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
}

const NUMBERS = [
  0,
  -0,
  1,
  -1,
  2,
  0.5,
  1.5,
  -1.5,
  16,
  17,
  40,
  64,
  65,
  100,
  101,
  255,
  256,
  257,
  4000,
  4001,
  86400,
  86401,
  100000,
  100001,
  2592000,
  2592001,
  1e9,
  1e9 + 1,
  2 ** 31,
  2 ** 32,
  2 ** 53,
  2 ** 53 + 2,
  1e21,
  1e308,
  -1e308,
  5e-324,
  1e-7,
  Number.EPSILON,
];
const KEYS = [
  'a',
  'name',
  'kernel',
  'inputs',
  'lease',
  'output',
  'error',
  'max',
  'results',
  'publicKey',
  '__proto__',
  'constructor',
  'prototype',
  'toString',
  'valueOf',
  'hasOwnProperty',
  '$ref',
  '',
  ' ',
  '😀',
  '\u0000',
];
export const randomKey = () => (chance(0.7) ? pick(KEYS) : randomText(10));

function randomScalar(): unknown {
  switch (int(0, 6)) {
    case 0:
      return null;
    case 1:
      return chance(0.5);
    case 2:
      return pick(NUMBERS);
    case 3:
      return chance(0.5) ? int(-1e6, 1e6) : (rng() - 0.5) * 10 ** int(-10, 20);
    case 4:
      return rawJson(pick(RAW_VALID));
    default:
      return randomText();
  }
}

export function randomJson(maxDepth = 4, depth = 0): unknown {
  const r = rng();
  if (depth >= maxDepth || r < 0.5) return randomScalar();
  if (r < 0.75) return Array.from({ length: int(0, 4) }, () => randomJson(maxDepth, depth + 1));
  const obj: Record<string, unknown> = {};
  for (let i = int(0, 4); i > 0; i--) defineOwn(obj, randomKey(), randomJson(maxDepth, depth + 1));
  return obj;
}
