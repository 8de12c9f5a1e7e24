// Farrar's striped Smith-Waterman (Bioinformatics 2007) on 128-bit WebAssembly SIMD: eight i16
// lanes, lane l holding query positions l·seg … l·seg+seg-1, so a whole column of the target
// moves down the query in seg vector steps, with the "lazy F" pass fixing the vertical gaps that
// cross lanes. Only compiled into the SIMD build (kernel.ts checks ASC_FEATURE_SIMD).
import { GAP_EXTEND, GAP_OPEN_EXTEND, MATCH, MISMATCH } from './kernel-scoring';

const LANES: i32 = 8;
const MIN16: i16 = -32768;

/** The query's striped profile and the three column buffers, made once per query. */
export class StripedQuery {
  seg: i32;
  m: i32;
  profile: usize; // 4 letters × seg vectors of scores
  hStore: usize;
  hLoad: usize;
  e: usize;

  constructor(q: usize, m: i32) {
    const seg = max<i32>(1, (m + LANES - 1) / LANES);
    this.seg = seg;
    this.m = m;
    const bytes = (<usize>seg) << 4;
    this.profile = heap.alloc(bytes * 4 + 15);
    this.profile = (this.profile + 15) & ~(<usize>15);
    this.hStore = alignedAlloc(bytes);
    this.hLoad = alignedAlloc(bytes);
    this.e = alignedAlloc(bytes);
    for (let letter: u8 = 0; letter < 4; letter++) {
      const base = this.profile + bytes * <usize>letter;
      for (let k = 0; k < seg; k++) {
        for (let l = 0; l < LANES; l++) {
          const i = l * seg + k;
          // Padding past the query never matches, so it can never hold the best score.
          const s = i < m && load<u8>(q + <usize>i) == letter ? MATCH : MISMATCH;
          store<i16>(base + ((<usize>k) << 4) + ((<usize>l) << 1), <i16>s);
        }
      }
    }
  }
}

function alignedAlloc(bytes: usize): usize {
  return (heap.alloc(bytes + 15) + 15) & ~(<usize>15);
}

/** As alignScalar: best score of the query against target codes [t, t+n), ends into `ends`. */
export function alignStriped(sq: StripedQuery, t: usize, n: i32, ends: usize): i32 {
  const seg = sq.seg;
  const bytes = (<usize>seg) << 4;
  const zero = i16x8.splat(0);
  const vMin = i16x8.splat(MIN16);
  const gapOE = i16x8.splat(<i16>GAP_OPEN_EXTEND);
  const gapE = i16x8.splat(<i16>GAP_EXTEND);
  let hStore = sq.hStore;
  let hLoad = sq.hLoad;
  const e = sq.e;
  for (let off: usize = 0; off < bytes; off += 16) {
    v128.store(hStore + off, zero);
    v128.store(e + off, vMin);
  }
  let best: i32 = 0;
  let bestI: i32 = 0;
  let bestJ: i32 = 0;
  for (let j = 0; j < n; j++) {
    const prof = sq.profile + bytes * <usize>load<u8>(t + <usize>j);
    let vF = vMin;
    // H[i-1][j-1] for each lane's first position: the previous column's last segment, moved up a lane.
    let vH = i8x16.shuffle(v128.load(hStore + bytes - 16), zero, 16, 17, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13);
    const swap = hLoad;
    hLoad = hStore;
    hStore = swap;
    let vColMax = zero;
    for (let off: usize = 0; off < bytes; off += 16) {
      vH = i16x8.add_sat_s(vH, v128.load(prof + off));
      let vE = v128.load(e + off);
      vH = i16x8.max_s(i16x8.max_s(vH, vE), i16x8.max_s(vF, zero));
      vColMax = i16x8.max_s(vColMax, vH);
      v128.store(hStore + off, vH);
      const vOpen = i16x8.sub_sat_s(vH, gapOE);
      vE = i16x8.max_s(i16x8.sub_sat_s(vE, gapE), vOpen);
      v128.store(e + off, vE);
      vF = i16x8.max_s(i16x8.sub_sat_s(vF, gapE), vOpen);
      vH = v128.load(hLoad + off);
    }
    // Lazy F: carry each lane's last vertical gap into the next lane until it no longer helps.
    vF = i8x16.shuffle(vF, vMin, 16, 17, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13);
    let off: usize = 0;
    for (let pass = 0; pass < LANES; pass++) {
      let more = true;
      off = 0;
      while (off < bytes) {
        let h = v128.load(hStore + off);
        const vOpen0 = i16x8.sub_sat_s(h, gapOE);
        if (!v128.any_true(i16x8.gt_s(vF, vOpen0))) {
          more = false;
          break;
        }
        h = i16x8.max_s(h, vF);
        v128.store(hStore + off, h);
        vColMax = i16x8.max_s(vColMax, h);
        const vOpen = i16x8.sub_sat_s(h, gapOE);
        v128.store(e + off, i16x8.max_s(v128.load(e + off), vOpen));
        vF = i16x8.sub_sat_s(vF, gapE);
        off += 16;
      }
      if (!more) break;
      vF = i8x16.shuffle(vF, vMin, 16, 17, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13);
    }
    const colMax = horizontalMax(vColMax);
    if (colMax > best) {
      best = colMax;
      bestJ = j + 1;
      bestI = firstRowWith(hStore, seg, sq.m, colMax) + 1;
    }
  }
  store<i32>(ends, best > 0 ? bestI : 0);
  store<i32>(ends, bestJ, 4);
  return best;
}

function horizontalMax(v: v128): i32 {
  let m = i16x8.max_s(v, i8x16.shuffle(v, v, 8, 9, 10, 11, 12, 13, 14, 15, 0, 1, 2, 3, 4, 5, 6, 7));
  m = i16x8.max_s(m, i8x16.shuffle(m, m, 4, 5, 6, 7, 0, 1, 2, 3, 8, 9, 10, 11, 12, 13, 14, 15));
  m = i16x8.max_s(m, i8x16.shuffle(m, m, 2, 3, 0, 1, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15));
  return <i32>i16x8.extract_lane_s(m, 0);
}

/** The smallest query index whose H in the striped column equals `score`. */
function firstRowWith(h: usize, seg: i32, m: i32, score: i32): i32 {
  for (let i = 0; i < m; i++) {
    const l = i / seg;
    const k = i - l * seg;
    if (<i32>load<i16>(h + ((<usize>k) << 4) + ((<usize>l) << 1)) == score) return i;
  }
  return m - 1;
}
