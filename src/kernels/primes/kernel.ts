// Counts the primes p with from <= p < to, by a segmented sieve of Eratosthenes over odd
// numbers. AssemblyScript, sc1 ABI; built by scripts/build-kernels.mjs.
import { progress, outAscii, outReserve, outUint } from '../shared/sc';
import { parseUintObject } from '../shared/json';

export { alloc, output_ptr, output_len } from '../shared/sc';

const USAGE = 'primes: input must be {"from":A,"to":B} with 0 <= A <= B <= 4294967296';
const MAX_TO: u64 = 4294967296;
/** Odd numbers per segment: 128 KiB of flags stays in L2 cache while the base primes mark it. */
const SEGMENT: u32 = 128 * 1024;
/** sqrt(2^32): every composite below 2^32 has a prime factor below this. */
const BASE_LIMIT: u32 = 65536;
const PROGRESS_STEPS: f64 = 32;

export function run(inPtr: usize, inLen: usize): i32 {
  const values = parseUintObject(inPtr, inLen, ['from', 'to']);
  if (values == null) {
    abort(USAGE);
    return 1;
  }
  const from = values[0];
  const to = values[1];
  if (from > to || to > MAX_TO) {
    abort(USAGE);
    return 1;
  }
  const count = countPrimes(from, to);
  outReserve(64);
  outAscii('{"from":');
  outUint(from);
  outAscii(',"to":');
  outUint(to);
  outAscii(',"count":');
  outUint(count);
  outAscii('}');
  return 0;
}

function countPrimes(from: u64, to: u64): u64 {
  let count: u64 = from <= 2 && to > 2 ? 1 : 0;
  let lo = max<u64>(from, 3) | 1; // first odd candidate; 1 is not prime, 2 counted above
  if (lo >= to) return count;

  // Odd base primes up to sqrt(to), by a plain sieve over [0, BASE_LIMIT).
  const limit = <u32>min<u64>(isqrt(to - 1), <u64>BASE_LIMIT - 1);
  const baseFlags = heap.alloc(<usize>limit + 1);
  memory.fill(baseFlags, 0, <usize>limit + 1);
  const basePrimes = heap.alloc((<usize>(limit / 2 + 1)) << 2);
  let baseCount: u32 = 0;
  for (let p: u32 = 3; p <= limit; p += 2) {
    if (load<u8>(baseFlags + <usize>p) != 0) continue;
    store<u32>(basePrimes + ((<usize>baseCount) << 2), p);
    baseCount++;
    for (let m = p * p; m <= limit; m += 2 * p) store<u8>(baseFlags + <usize>m, 1);
  }

  const flags = heap.alloc(<usize>SEGMENT);
  const start = lo;
  const total = <f64>(to - start);
  let nextReport: f64 = 1 / PROGRESS_STEPS;
  while (lo < to) {
    // Flag i stands for lo + 2i.
    const len = <u32>min<u64>(<u64>SEGMENT, (to - lo + 1) >> 1);
    const hi = lo + ((<u64>len) << 1); // exclusive
    memory.fill(flags, 0, <usize>len);
    for (let k: u32 = 0; k < baseCount; k++) {
      const p = <u64>load<u32>(basePrimes + ((<usize>k) << 2));
      const square = p * p;
      if (square >= hi) break;
      let m = square >= lo ? square : ((lo + p - 1) / p) * p;
      if ((m & 1) == 0) m += p;
      const step = <u32>p;
      for (let i = <u32>((m - lo) >> 1); i < len; i += step) store<u8>(flags + <usize>i, 1);
    }
    count += countZeros(flags, len);
    lo = hi;
    const done = <f64>(min<u64>(lo, to) - start) / total;
    if (done >= nextReport) {
      progress(done);
      nextReport = (Math.floor(done * PROGRESS_STEPS) + 1) / PROGRESS_STEPS;
    }
  }
  return count;
}

/** Counts zero bytes, eight at a time where it can. */
function countZeros(ptr: usize, len: u32): u64 {
  let zeros: u64 = 0;
  let i: u32 = 0;
  for (; i + 8 <= len; i += 8) {
    const word = load<u64>(ptr + <usize>i);
    // Flags are 0 or 1, so the set bits are exactly the marked bytes.
    zeros += 8 - popcnt<u64>(word);
  }
  for (; i < len; i++) if (load<u8>(ptr + <usize>i) == 0) zeros++;
  return zeros;
}

function isqrt(n: u64): u64 {
  let r = <u64>Math.sqrt(<f64>n);
  while (r * r > n) r--;
  while ((r + 1) * (r + 1) <= n) r++;
  return r;
}
