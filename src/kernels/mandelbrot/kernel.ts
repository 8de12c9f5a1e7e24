// Escape-time iteration counts for one tile of a Mandelbrot image. AssemblyScript, sc1 ABI;
// built by scripts/build-kernels.mjs. The image may be a window (`left`, `top`) into a larger
// virtual image (`fullWidth` × `fullHeight`) of the same region, which is how a zoom is drawn. The f64 operations match reference.ts one for one, so
// both give bit-identical counts (wasm has no fused multiply-add to change the rounding).
import { progress, outAscii, outByte, outReserve, outUint } from '../shared/sc';
import { parseUintObject } from '../shared/json';

export { alloc, output_ptr, output_len } from '../shared/sc';

const USAGE =
  'mandelbrot: input must be {"width":W,"height":H,"x":X,"y":Y,"w":TW,"h":TH,"maxIter":M} with ' +
  '1 <= W,H <= 65536, the tile inside the image, 1 <= TW*TH <= 262144, 1 <= M <= 100000, ' +
  'optionally with "fullWidth","fullHeight","left","top" placing the image inside a virtual image of at most 2^48 per side';
const MAX_SIDE: u64 = 65536;
const MAX_FULL_SIDE: u64 = 281474976710656; // 2^48: pixel positions stay exact in f64
const MAX_PIXELS: u64 = 262144;
const MAX_ITER: u64 = 100000;
const PROGRESS_STEPS: f64 = 32;

export function run(inPtr: usize, inLen: usize): i32 {
  let v = parseUintObject(inPtr, inLen, [
    'width',
    'height',
    'x',
    'y',
    'w',
    'h',
    'maxIter',
    'fullWidth',
    'fullHeight',
    'left',
    'top',
  ]);
  if (v == null) {
    const plain = parseUintObject(inPtr, inLen, ['width', 'height', 'x', 'y', 'w', 'h', 'maxIter']);
    if (plain == null) {
      abort(USAGE);
      return 1;
    }
    v = new StaticArray<u64>(11);
    for (let i = 0; i < 7; i++) v[i] = plain[i];
    v[7] = plain[0];
    v[8] = plain[1];
  }
  const width = v[0];
  const height = v[1];
  const x = v[2];
  const y = v[3];
  const w = v[4];
  const h = v[5];
  const maxIter = v[6];
  const fullWidth = v[7];
  const fullHeight = v[8];
  const left = v[9];
  const top = v[10];
  const ok =
    width >= 1 &&
    width <= MAX_SIDE &&
    height >= 1 &&
    height <= MAX_SIDE &&
    w >= 1 &&
    h >= 1 &&
    x + w <= width &&
    y + h <= height &&
    w * h <= MAX_PIXELS &&
    maxIter >= 1 &&
    maxIter <= MAX_ITER &&
    fullWidth <= MAX_FULL_SIDE &&
    fullHeight <= MAX_FULL_SIDE &&
    left + width <= fullWidth &&
    top + height <= fullHeight;
  if (!ok) {
    abort(USAGE);
    return 1;
  }

  // One pass, no reallocation: each count is at most 6 digits plus a comma.
  outReserve(<usize>(w * h * 7 + 128));
  outAscii('{"x":');
  outUint(x);
  outAscii(',"y":');
  outUint(y);
  outAscii(',"w":');
  outUint(w);
  outAscii(',"h":');
  outUint(h);
  outAscii(',"maxIter":');
  outUint(maxIter);
  outAscii(',"iters":[');
  const W = <f64>fullWidth;
  const H = <f64>fullHeight;
  const M = <u32>maxIter;
  let nextReport: f64 = 1 / PROGRESS_STEPS;
  for (let row: u64 = 0; row < h; row++) {
    const ci = -1.25 + (2.5 * (<f64>(top + y + row) + 0.5)) / H;
    for (let col: u64 = 0; col < w; col++) {
      const cr = -2.5 + (3.5 * (<f64>(left + x + col) + 0.5)) / W;
      if (row > 0 || col > 0) outByte(0x2c); // ,
      outUint(<u64>escapeTime(cr, ci, M));
    }
    const done = <f64>(row + 1) / <f64>h;
    if (done >= nextReport) {
      progress(done);
      nextReport = (Math.floor(done * PROGRESS_STEPS) + 1) / PROGRESS_STEPS;
    }
  }
  outAscii(']}');
  return 0;
}

function escapeTime(cr: f64, ci: f64, maxIter: u32): u32 {
  let zr: f64 = 0;
  let zi: f64 = 0;
  let n: u32 = 0;
  while (n < maxIter) {
    const zr2 = zr * zr;
    const zi2 = zi * zi;
    if (zr2 + zi2 > 4) break;
    zi = 2 * zr * zi + ci;
    zr = zr2 - zi2 + cr;
    n++;
  }
  return n;
}
