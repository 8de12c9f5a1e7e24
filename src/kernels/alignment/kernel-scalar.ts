// The scalar Smith-Waterman (Gotoh's affine gaps), one cell at a time, column by column over the
// target. The SIMD build uses kernel-striped.ts instead; both find the same best cell.
import { GAP_EXTEND, GAP_OPEN_EXTEND, MATCH, MISMATCH, NEG } from './kernel-scoring';

/**
 * Best local score of query codes [q, q+m) against target codes [t, t+n), with its end cell:
 * the first cell reaching the best score in target-then-query order, as 1-based positions.
 * `work` holds 2(m+1) i32s. Returns the score; the ends go to `ends` (two i32s).
 */
export function alignScalar(q: usize, m: i32, t: usize, n: i32, work: usize, ends: usize): i32 {
  const h = work; // H[i][j-1], then H[i][j]
  const e = work + ((<usize>(m + 1)) << 2); // E[i][j] for the next column
  for (let i = 0; i <= m; i++) {
    store<i32>(h + ((<usize>i) << 2), 0);
    store<i32>(e + ((<usize>i) << 2), NEG);
  }
  let best: i32 = 0;
  let bestI: i32 = 0;
  let bestJ: i32 = 0;
  for (let j = 1; j <= n; j++) {
    const letter = load<u8>(t + <usize>(j - 1));
    let diag: i32 = 0; // H[i-1][j-1]
    let up: i32 = 0; // H[i-1][j]
    let f: i32 = NEG;
    for (let i = 1; i <= m; i++) {
      const hp = h + ((<usize>i) << 2);
      const ep = e + ((<usize>i) << 2);
      const left = load<i32>(hp);
      const ei = max<i32>(load<i32>(ep) - GAP_EXTEND, left - GAP_OPEN_EXTEND);
      f = max<i32>(f - GAP_EXTEND, up - GAP_OPEN_EXTEND);
      const s = load<u8>(q + <usize>(i - 1)) == letter ? MATCH : MISMATCH;
      let hij = max<i32>(max<i32>(diag + s, 0), max<i32>(ei, f));
      diag = left;
      up = hij;
      store<i32>(hp, hij);
      store<i32>(ep, ei);
      if (hij > best) {
        best = hij;
        bestI = i;
        bestJ = j;
      }
    }
  }
  store<i32>(ends, bestI);
  store<i32>(ends, bestJ, 4);
  return best;
}
