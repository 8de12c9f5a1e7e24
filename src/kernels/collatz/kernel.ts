// Longest Collatz chain: the n in [from, to) that takes the most steps to reach 1 (the smallest
// such n on ties). A long-running kernel that checkpoints its loop state, so a unit interrupted
// by a reload or a crash resumes where it was. AssemblyScript, sc1 ABI.
import { checkpoint, progress, outAscii, outReserve, outUint } from '../shared/sc';
import { parseUintObject } from '../shared/json';

export { alloc, output_ptr, output_len } from '../shared/sc';

const USAGE =
  'collatz: input must be {"from":A,"to":B} or {"from":A,"to":B,"every":C} with 1 <= A <= B <= 4294967296, C >= 1';
const MAX_TO: u64 = 4294967296;
/** Numbers between checkpoints unless the input says otherwise: about a second of work. */
const DEFAULT_EVERY: u64 = 1 << 22;
/** Numbers between progress reports: a few milliseconds, so the host can duty-cycle the thread. */
const PROGRESS_EVERY: u64 = 1 << 15;
const MAGIC: u64 = 0x315a4c43; // "CLZ1"
const STATE_BYTES: usize = 48;

// Loop state restored by `resume` (before `run`) and saved by checkpoints.
let resumed = false;
let savedFrom: u64 = 0;
let savedTo: u64 = 0;
let savedNext: u64 = 0;
let savedBest: u64 = 0;
let savedSteps: u64 = 0;

/** Takes a checkpoint written by this kernel; anything else is ignored (the unit starts over). */
export function resume(ptr: usize, len: usize): void {
  if (len != STATE_BYTES || load<u64>(ptr) != MAGIC) return;
  savedFrom = load<u64>(ptr, 8);
  savedTo = load<u64>(ptr, 16);
  savedNext = load<u64>(ptr, 24);
  savedBest = load<u64>(ptr, 32);
  savedSteps = load<u64>(ptr, 40);
  resumed = true;
}

export function run(inPtr: usize, inLen: usize): i32 {
  let values = parseUintObject(inPtr, inLen, ['from', 'to', 'every']);
  let every = DEFAULT_EVERY;
  if (values != null) every = values[2];
  else values = parseUintObject(inPtr, inLen, ['from', 'to']);
  if (values == null) {
    abort(USAGE);
    return 1;
  }
  const from = values[0];
  const to = values[1];
  if (from < 1 || from > to || to > MAX_TO || every < 1) {
    abort(USAGE);
    return 1;
  }
  let n = from;
  let best = from;
  let bestSteps: u64 = from < to ? steps(from) : 0;
  // A checkpoint counts only if it is of this very range and lies inside it.
  if (resumed && savedFrom == from && savedTo == to && savedNext >= from && savedNext <= to && savedBest >= from) {
    n = savedNext;
    best = savedBest;
    bestSteps = savedSteps;
  }
  const state = heap.alloc(STATE_BYTES);
  const total = <f64>(to - from);
  while (n < to) {
    const end = min<u64>(to, n + PROGRESS_EVERY);
    for (; n < end; n++) {
      const s = steps(n);
      if (s > bestSteps) {
        bestSteps = s;
        best = n;
      }
    }
    progress(<f64>(n - from) / total);
    if ((n - from) % every < PROGRESS_EVERY && n < to) {
      store<u64>(state, MAGIC);
      store<u64>(state, from, 8);
      store<u64>(state, to, 16);
      store<u64>(state, n, 24);
      store<u64>(state, best, 32);
      store<u64>(state, bestSteps, 40);
      checkpoint(state, STATE_BYTES);
    }
  }
  outReserve(96);
  outAscii('{"from":');
  outUint(from);
  outAscii(',"to":');
  outUint(to);
  outAscii(',"n":');
  outUint(from < to ? best : 0);
  outAscii(',"steps":');
  outUint(bestSteps);
  outAscii('}');
  return 0;
}

/** Steps from n to 1. Below 2^32 every trajectory stays below 2^64. */
function steps(start: u64): u64 {
  let x = start;
  let count: u64 = 0;
  while (x != 1) {
    if (x & 1) {
      x = (3 * x + 1) >> 1; // odd: 3x+1 is even, so take both steps at once
      count += 2;
    } else {
      x >>= 1;
      count++;
    }
  }
  return count;
}
