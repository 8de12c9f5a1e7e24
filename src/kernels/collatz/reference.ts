// Plain-TypeScript twin of kernel.ts: the same answers, byte for byte, for tests and for
// checking results without WebAssembly. Input rules are shared with the kernels' parser.
import { parseUintObject } from '../primes/reference.js';

export interface CollatzInput {
  from: number;
  to: number;
}

export interface CollatzOutput {
  from: number;
  to: number;
  /** The start in [from, to) with the longest chain (smallest on ties); 0 for an empty range. */
  n: number;
  steps: number;
}

export const COLLATZ_USAGE =
  'collatz: input must be {"from":A,"to":B} or {"from":A,"to":B,"every":C} with 1 <= A <= B <= 4294967296, C >= 1';
const MAX_TO = 2 ** 32;
/** Past this, 3x+1 may leave the doubles' exact range, so the walk goes on in BigInt. */
const EXACT_LIMIT = 2 ** 51;

/** Steps from `start` to 1. */
export function collatzSteps(start: number): number {
  let x = start;
  let count = 0;
  while (x !== 1) {
    if (x >= EXACT_LIMIT) return count + bigSteps(BigInt(x));
    x = x % 2 === 1 ? 3 * x + 1 : x / 2;
    count++;
  }
  return count;
}

function bigSteps(start: bigint): number {
  let x = start;
  let count = 0;
  while (x !== 1n) {
    x = x & 1n ? 3n * x + 1n : x >> 1n;
    count++;
  }
  return count;
}

export function collatzReference(input: CollatzInput): CollatzOutput {
  const { from, to } = input;
  const ok = Number.isSafeInteger(from) && Number.isSafeInteger(to) && from >= 1 && from <= to && to <= MAX_TO;
  if (!ok) throw new Error(COLLATZ_USAGE);
  let best = 0;
  let bestSteps = 0;
  for (let n = from; n < to; n++) {
    const s = collatzSteps(n);
    if (best === 0 || s > bestSteps) {
      best = n;
      bestSteps = s;
    }
  }
  return { from, to, n: best, steps: bestSteps };
}

/** The exact bytes the kernel outputs for this input text; throws where the kernel aborts. */
export function collatzReferenceBytes(inputJsonText: string): Uint8Array {
  const withEvery = parseUintObject(inputJsonText, ['from', 'to', 'every']);
  const values = withEvery ?? parseUintObject(inputJsonText, ['from', 'to']);
  if (!values || (withEvery && (withEvery[2] ?? 0) < 1)) throw new Error(COLLATZ_USAGE);
  const [from = 0, to = 0] = values;
  const out = collatzReference({ from, to });
  return new TextEncoder().encode(JSON.stringify({ from: out.from, to: out.to, n: out.n, steps: out.steps }));
}
