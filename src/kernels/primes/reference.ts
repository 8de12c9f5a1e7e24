// Plain-TypeScript twin of kernel.ts: the same answers, byte for byte, for tests and for
// checking results without WebAssembly. Input rules are shared with the kernel's parser.

export interface PrimesInput {
  from: number;
  to: number;
}

export interface PrimesOutput {
  from: number;
  to: number;
  count: number;
}

export const PRIMES_USAGE = 'primes: input must be {"from":A,"to":B} with 0 <= A <= B <= 4294967296';
const MAX_TO = 2 ** 32;

const WS = '[ \\t\\n\\r]*';
const OPEN = new RegExp(`^${WS}\\{`);
const PAIR = new RegExp(`${WS}"([^"]*)"${WS}:${WS}(0|[1-9][0-9]{0,14})${WS}([,}])`, 'y');
const TAIL = new RegExp(`^${WS}$`);

/**
 * Reads a flat JSON object of non-negative integers exactly as the kernels' shared/json.ts
 * does: each key once, no others, plain digits only (at most 15). Returns values in `keys`
 * order, or null. Stricter than JSON.parse on purpose, so kernel and reference reject alike.
 */
export function parseUintObject(text: string, keys: readonly string[]): number[] | null {
  const open = OPEN.exec(text);
  if (!open) return null;
  let pos = open[0].length;
  const values: (number | undefined)[] = keys.map(() => undefined);
  for (;;) {
    PAIR.lastIndex = pos;
    const m = PAIR.exec(text);
    if (!m) return null;
    const k = keys.indexOf(m[1] ?? '');
    if (k < 0 || values[k] !== undefined) return null;
    values[k] = Number(m[2]);
    pos = PAIR.lastIndex;
    if (m[3] === '}') break;
  }
  if (!TAIL.test(text.slice(pos))) return null;
  return values.every((v) => v !== undefined) ? (values as number[]) : null;
}

function isqrt(n: number): number {
  let r = Math.floor(Math.sqrt(n));
  while (r * r > n) r--;
  while ((r + 1) * (r + 1) <= n) r++;
  return r;
}

/** Counts primes in [from, to) with a segmented sieve (a plain one would need 4 GiB near 2^32). */
function countPrimes(from: number, to: number): number {
  let count = from <= 2 && to > 2 ? 1 : 0;
  const first = Math.max(from, 3);
  const start = first % 2 === 0 ? first + 1 : first; // odd numbers only; 2 counted above
  if (start >= to) return count;
  const limit = isqrt(to - 1);
  const base: number[] = [];
  const baseFlags = new Uint8Array(limit + 1);
  for (let p = 3; p <= limit; p += 2) {
    if (baseFlags[p]) continue;
    base.push(p);
    for (let m = p * p; m <= limit; m += 2 * p) baseFlags[m] = 1;
  }
  const segment = 1 << 17;
  const flags = new Uint8Array(segment);
  for (let lo = start; lo < to; lo += 2 * segment) {
    const len = Math.min(segment, Math.floor((to - lo + 1) / 2));
    const hi = lo + 2 * len;
    flags.fill(0, 0, len);
    for (const p of base) {
      if (p * p >= hi) break;
      let m = p * p >= lo ? p * p : Math.ceil(lo / p) * p;
      if (m % 2 === 0) m += p;
      for (let i = (m - lo) / 2; i < len; i += p) flags[i] = 1;
    }
    for (let i = 0; i < len; i++) if (flags[i] === 0) count++;
  }
  return count;
}

function checkInput(from: number, to: number): void {
  const ok = Number.isSafeInteger(from) && Number.isSafeInteger(to) && from >= 0 && from <= to && to <= MAX_TO;
  if (!ok) throw new Error(PRIMES_USAGE);
}

export function primesReference(input: PrimesInput): PrimesOutput {
  checkInput(input.from, input.to);
  return { from: input.from, to: input.to, count: countPrimes(input.from, input.to) };
}

/** The exact bytes the kernel outputs for this input text; throws where the kernel aborts. */
export function primesReferenceBytes(inputJsonText: string): Uint8Array {
  const values = parseUintObject(inputJsonText, ['from', 'to']);
  if (!values) throw new Error(PRIMES_USAGE);
  const [from = 0, to = 0] = values;
  const out = primesReference({ from, to });
  return new TextEncoder().encode(JSON.stringify({ from: out.from, to: out.to, count: out.count }));
}
