// URL parts for fuzzed requests: path parameters (real ids, near misses, traversal, malformed
// escapes) and query strings.
import { allBatches, allLeases, allProjects, kernels, realIds, type IdKind } from './model.js';
import { chance, int, pick, randomBytes, weighted } from './prng.js';
import type { RouteSpec } from './routes.js';
import { asciiText, randomText } from './values.js';

/** Percent-encodes text; a lone surrogate becomes `%uD800`, itself a malformed escape. */
export function safeEncode(text: string): string {
  let out = '';
  for (const ch of text) {
    try {
      out += encodeURIComponent(ch);
    } catch {
      out += `%u${ch.charCodeAt(0).toString(16).toUpperCase()}`;
    }
  }
  return out;
}

const TRAVERSAL = [
  '..',
  '.',
  '../..',
  '..%2f..%2fetc%2fpasswd',
  '%2e%2e%2f%2e%2e%2f',
  '%2e%2e',
  '....%2f%2f',
  '..%5c..%5c',
  '%00',
  '%2F',
  '%252e%252e',
  '~root',
  '%c0%ae%c0%ae',
  '%E2%80%AE',
  'index.html',
];
const MALFORMED = ['%', '%G1', '%E0%A4%A', '%%', '%u0041', '%C0%AE%', '%ff%fe', '%0'];

function garbageParam(kind: IdKind): string {
  const own = realIds(kind);
  const any = [...allProjects(), ...allBatches(), ...kernels, ...allLeases()];
  const real = own.length ? pick(own) : 'x';
  return weighted<() => string>([
    [3, () => safeEncode(real)],
    [1, () => (any.length ? safeEncode(pick(any)) : 'y')],
    [1, () => safeEncode(real) + pick(['%2F', '%2F..', '..', '.json', '%20', '%00', '%0A', '~', '%3F', '%23'])],
    [1, () => safeEncode(real.toUpperCase())],
    [2, () => safeEncode(randomText())],
    [1, () => 'a'.repeat(pick([99, 100, 101, 102]))],
    [1, () => asciiText(int(120, 3000)).replace(/[^A-Za-z0-9]/g, 'z')],
    [1, () => [...randomBytes(int(1, 40))].map((b) => '%' + b.toString(16).padStart(2, '0')).join('')],
    [1, () => pick(MALFORMED)],
    [1, () => pick(TRAVERSAL)],
    [1, () => pick(['0'.repeat(64), 'f'.repeat(64), 'F'.repeat(64), '0'.repeat(63), '0'.repeat(65)])],
  ])();
}

export function garbageQuery(): string {
  if (chance(0.4)) return '';
  const keys = ['after', 'limit', 'token', '__proto__', 'constructor', 'x', '', 'after[]', 'limit[0]', 'after.x'];
  const values = [
    '',
    '0',
    '1',
    '-1',
    '10000',
    '10001',
    '99999',
    '1e3',
    '1.5',
    '000000000000001',
    '999999999999999',
    '9999999999999999',
    'NaN',
    'null',
    '%00',
    '%',
    '%ZZ',
    '9'.repeat(400),
  ];
  const part = () => {
    const k = chance(0.8) ? pick(keys) : randomText(6);
    const v = chance(0.8) ? pick(values) : randomText();
    return `${chance(0.9) ? safeEncode(k) : k}=${chance(0.8) ? safeEncode(v) : v}`;
  };
  return '?' + Array.from({ length: int(1, 4) }, part).join('&');
}

/** The path of `spec` (relative to the API prefix) with its parameters filled: real ids, or often garbage. */
export function specPath(spec: RouteSpec): string {
  const param = (kind: IdKind) => {
    if (chance(0.6)) return garbageParam(kind);
    const ids = realIds(kind);
    return ids.length ? safeEncode(pick(ids)) : 'none';
  };
  return spec.label
    .slice(spec.label.indexOf(' ') + 1)
    .replace(':hash', () => param('kernel'))
    .replace(':p', () => param('project'))
    .replace(':b', () => param('batch'))
    .replace(':l', () => param('lease'))
    .replace(':key', () => param('site'));
}
