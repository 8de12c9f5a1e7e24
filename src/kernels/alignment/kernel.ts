// Smith-Waterman local alignment of one DNA query against many targets (genomics' basic
// search), with BLASTN's scoring (kernel-scoring.ts). AssemblyScript, sc1 ABI; built twice by
// scripts/build-kernels.mjs: with WebAssembly SIMD (kernel-striped.ts, Farrar's striped loop) into
// alignment.wasm, and without (kernel-scalar.ts) into alignment-scalar.wasm, which the SIMD build also
// carries in its `sc.fallback` custom section for engines without SIMD. Same output either way.
import { progress, outAscii, outByte, outReserve, outUint } from '../shared/sc';
import { alignScalar } from './kernel-scalar';
import { alignStriped, StripedQuery } from './kernel-striped';
import { MAX_QUERY } from './kernel-scoring';

export { alloc, output_ptr, output_len } from '../shared/sc';

const USAGE =
  'alignment: input must be {"query":"ACGT…","targets":["ACGT…",…]} (optionally "label":"…", up to 256 ' +
  'printable ASCII characters without \\ or ") with at most 10000 query letters and 65536 targets';
const MAX_TARGETS: i32 = 65536;
const MAX_LABEL: i32 = 256;
const PROGRESS_STEPS: f64 = 32;

let cursor: usize = 0;
let end: usize = 0;

function skipSpace(): void {
  while (cursor < end) {
    const c = load<u8>(cursor);
    if (c != 0x20 && c != 0x09 && c != 0x0a && c != 0x0d) break;
    cursor++;
  }
}

/** Consumes `c` after optional whitespace; false when something else is there. */
function expect(c: u8): bool {
  skipSpace();
  if (cursor >= end || load<u8>(cursor) != c) return false;
  cursor++;
  return true;
}

/** Reads `"query"`, `"targets"` or `"label"`: 0, 1, 2, or -1 for anything else. */
function readKey(): i32 {
  if (!expect(0x22)) return -1;
  const start = cursor;
  while (cursor < end && load<u8>(cursor) != 0x22) cursor++;
  if (cursor >= end) return -1;
  const len = cursor - start;
  cursor++;
  if (!expect(0x3a)) return -1;
  if (same(start, len, 'query')) return 0;
  if (same(start, len, 'targets')) return 1;
  if (same(start, len, 'label')) return 2;
  return -1;
}

function same(ptr: usize, len: usize, key: string): bool {
  if (len != <usize>key.length) return false;
  for (let i = 0; i < key.length; i++) if (<i32>load<u8>(ptr + <usize>i) != key.charCodeAt(i)) return false;
  return true;
}

/**
 * Reads a string of DNA letters at the cursor into codes (A0 C1 G2 T3) from `dst`; returns its
 * length, -1 for broken JSON, or -2 - position of the first byte that is not a letter.
 */
function readSequence(dst: usize): i32 {
  if (!expect(0x22)) return -1;
  const start = cursor;
  while (cursor < end) {
    const c = load<u8>(cursor) | 0x20; // lower case; '"' (0x22) and '\\' stay distinct from letters
    let code: i32 = -1;
    if (c == 0x61) code = 0;
    else if (c == 0x63) code = 1;
    else if (c == 0x67) code = 2;
    else if (c == 0x74) code = 3;
    if (code < 0) break;
    store<u8>(dst + (cursor - start), <u8>code);
    cursor++;
  }
  if (cursor >= end) return -1;
  if (load<u8>(cursor) != 0x22) return -2 - <i32>(cursor - start);
  const len = <i32>(cursor - start);
  cursor++;
  return len;
}

/** Skips the label: a string of at most MAX_LABEL printable ASCII letters other than '"' and '\\'. */
function skipLabel(): bool {
  if (!expect(0x22)) return false;
  const start = cursor;
  while (cursor < end && cursor - start <= <usize>MAX_LABEL) {
    const c = load<u8>(cursor);
    if (c == 0x22) {
      cursor++;
      return true;
    }
    if (c < 0x20 || c >= 0x7f || c == 0x5c) return false;
    cursor++;
  }
  return false;
}

function badLetter(what: string, position: i32): i32 {
  const c = load<u8>(cursor);
  const shown = c >= 0x20 && c < 0x7f ? "'" + String.fromCharCode(c) + "'" : 'byte 0x' + hex2(c);
  abort(
    'alignment: ' +
      what +
      ' has ' +
      shown +
      ' at position ' +
      position.toString() +
      ' (0-based); only A, C, G and T are allowed',
  );
  return 1;
}

function hex2(c: u32): string {
  const digits = '0123456789abcdef';
  return digits.charAt(<i32>(c >> 4)) + digits.charAt(<i32>(c & 15));
}

function usage(): i32 {
  abort(USAGE);
  return 1;
}

export function run(inPtr: usize, inLen: usize): i32 {
  cursor = inPtr;
  end = inPtr + inLen;
  // Codes take no more room than the input's letters, so one input-sized buffer holds them all.
  const codes = heap.alloc(inLen + 1);
  let queryPtr: usize = 0;
  let m: i32 = -1;
  let count: i32 = -1;
  let targetsPtr: usize = 0;
  let used: usize = 0;
  const starts = heap.alloc((<usize>MAX_TARGETS + 1) << 2);
  let labelled = false;
  if (!expect(0x7b)) return usage();
  while (true) {
    const key = readKey();
    if (key == 0 && m < 0) {
      queryPtr = codes + used;
      m = readSequence(queryPtr);
      if (m == -1) return usage();
      if (m < -1) return badLetter('query', -2 - m);
      if (m > MAX_QUERY) return usage();
      used += <usize>m;
    } else if (key == 1 && count < 0) {
      if (!expect(0x5b)) return usage();
      targetsPtr = codes + used;
      count = 0;
      skipSpace();
      if (cursor < end && load<u8>(cursor) == 0x5d) {
        cursor++;
      } else {
        while (true) {
          if (count >= MAX_TARGETS) return usage();
          store<u32>(starts + ((<usize>count) << 2), <u32>(codes + used - targetsPtr));
          const n = readSequence(codes + used);
          if (n == -1) return usage();
          if (n < -1) return badLetter('targets[' + count.toString() + ']', -2 - n);
          used += <usize>n;
          count++;
          skipSpace();
          if (cursor >= end) return usage();
          const c = load<u8>(cursor++);
          if (c == 0x5d) break;
          if (c != 0x2c) return usage();
        }
      }
      store<u32>(starts + ((<usize>count) << 2), <u32>(codes + used - targetsPtr));
    } else if (key == 2 && !labelled) {
      if (!skipLabel()) return usage();
      labelled = true;
    } else {
      return usage();
    }
    skipSpace();
    if (cursor >= end) return usage();
    const c = load<u8>(cursor++);
    if (c == 0x7d) break;
    if (c != 0x2c) return usage();
  }
  skipSpace();
  if (cursor != end || m < 0 || count < 0) return usage();

  const scores = heap.alloc((<usize>count) << 2);
  const ends = heap.alloc((<usize>count) << 3);
  const totalLetters = <f64>(codes + used - targetsPtr);
  let done: f64 = 0;
  let nextReport: f64 = totalLetters / PROGRESS_STEPS;
  if (ASC_FEATURE_SIMD) {
    const sq = new StripedQuery(queryPtr, m);
    for (let k = 0; k < count; k++) {
      const from = load<u32>(starts + ((<usize>k) << 2));
      const n = <i32>(load<u32>(starts + ((<usize>k + 1) << 2)) - from);
      const at = ends + ((<usize>k) << 3);
      const s = m == 0 || n == 0 ? zeroHit(at) : alignStriped(sq, targetsPtr + <usize>from, n, at);
      store<i32>(scores + ((<usize>k) << 2), s);
      done += <f64>n;
      if (done >= nextReport && done < totalLetters) {
        progress(done / totalLetters);
        nextReport = done + totalLetters / PROGRESS_STEPS;
      }
    }
  } else {
    const work = heap.alloc((<usize>(m + 1)) << 3);
    for (let k = 0; k < count; k++) {
      const from = load<u32>(starts + ((<usize>k) << 2));
      const n = <i32>(load<u32>(starts + ((<usize>k + 1) << 2)) - from);
      const at = ends + ((<usize>k) << 3);
      const s = m == 0 || n == 0 ? zeroHit(at) : alignScalar(queryPtr, m, targetsPtr + <usize>from, n, work, at);
      store<i32>(scores + ((<usize>k) << 2), s);
      done += <f64>n;
      if (done >= nextReport && done < totalLetters) {
        progress(done / totalLetters);
        nextReport = done + totalLetters / PROGRESS_STEPS;
      }
    }
  }

  outReserve(<usize>count * 36 + 32);
  outAscii('{"scores":[');
  for (let k = 0; k < count; k++) {
    if (k > 0) outByte(0x2c);
    outUint(<u64>load<i32>(scores + ((<usize>k) << 2)));
  }
  outAscii('],"ends":[');
  for (let k = 0; k < count; k++) {
    if (k > 0) outByte(0x2c);
    const at = ends + ((<usize>k) << 3);
    outByte(0x5b);
    outUint(<u64>load<i32>(at));
    outByte(0x2c);
    outUint(<u64>load<i32>(at, 4));
    outByte(0x5d);
  }
  outAscii(']}');
  return 0;
}

function zeroHit(at: usize): i32 {
  store<i32>(at, 0);
  store<i32>(at, 0, 4);
  return 0;
}
