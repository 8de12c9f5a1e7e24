// Plain-TypeScript twin of kernel.ts. The f64 expressions are written in the same order as
// the kernel's so the counts agree bit for bit; JSON.stringify then gives the same bytes.
import { parseUintObject } from '../primes/reference.js';

export interface MandelbrotInput {
  /** Whole image size in pixels; the image spans re ∈ [-2.5, 1.0], im ∈ [-1.25, 1.25]. */
  width: number;
  height: number;
  /** The tile: top-left pixel and size. */
  x: number;
  y: number;
  w: number;
  h: number;
  maxIter: number;
  /**
   * Optional, all four together: the image is the window at (`left`, `top`) of a virtual image
   * of `fullWidth` × `fullHeight` pixels spanning the region above (a zoom). Default: the image itself.
   */
  fullWidth?: number;
  fullHeight?: number;
  left?: number;
  top?: number;
}

export interface MandelbrotOutput {
  x: number;
  y: number;
  w: number;
  h: number;
  maxIter: number;
  /** Row-major escape counts of the tile, maxIter where the point never escaped. */
  iters: number[];
}

export const MANDELBROT_USAGE =
  'mandelbrot: input must be {"width":W,"height":H,"x":X,"y":Y,"w":TW,"h":TH,"maxIter":M} with ' +
  '1 <= W,H <= 65536, the tile inside the image, 1 <= TW*TH <= 262144, 1 <= M <= 100000, ' +
  'optionally with "fullWidth","fullHeight","left","top" placing the image inside a virtual image of at most 2^48 per side';
const KEYS = ['width', 'height', 'x', 'y', 'w', 'h', 'maxIter'] as const;
const VIEW_KEYS = [...KEYS, 'fullWidth', 'fullHeight', 'left', 'top'] as const;
const MAX_FULL_SIDE = 2 ** 48;
const MAX_SIDE = 65536;
const MAX_PIXELS = 262144;
const MAX_ITER = 100000;

function checkInput(input: Required<MandelbrotInput>): void {
  const { width, height, x, y, w, h, maxIter, fullWidth, fullHeight, left, top } = input;
  const ints = VIEW_KEYS.every((k) => Number.isSafeInteger(input[k]) && input[k] >= 0);
  const ok =
    ints &&
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
  if (!ok) throw new Error(MANDELBROT_USAGE);
}

function escapeTime(cr: number, ci: number, maxIter: number): number {
  let zr = 0;
  let zi = 0;
  let n = 0;
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

export function mandelbrotReference(input: MandelbrotInput): MandelbrotOutput {
  const full = { fullWidth: input.width, fullHeight: input.height, left: 0, top: 0, ...input };
  checkInput(full);
  const { x, y, w, h, maxIter, fullWidth, fullHeight, left, top } = full;
  const iters = new Array<number>(w * h);
  for (let row = 0; row < h; row++) {
    const ci = -1.25 + (2.5 * (top + y + row + 0.5)) / fullHeight;
    for (let col = 0; col < w; col++) {
      const cr = -2.5 + (3.5 * (left + x + col + 0.5)) / fullWidth;
      iters[row * w + col] = escapeTime(cr, ci, maxIter);
    }
  }
  return { x, y, w, h, maxIter, iters };
}

/** The exact bytes the kernel outputs for this input text; throws where the kernel aborts. */
export function mandelbrotReferenceBytes(inputJsonText: string): Uint8Array {
  const values = parseUintObject(inputJsonText, VIEW_KEYS) ?? parseUintObject(inputJsonText, KEYS);
  if (!values) throw new Error(MANDELBROT_USAGE);
  const [width = 0, height = 0, x = 0, y = 0, w = 0, h = 0, maxIter = 0, fullWidth, fullHeight, left, top] = values;
  const view = fullWidth === undefined ? {} : { fullWidth, fullHeight: fullHeight!, left: left!, top: top! };
  const out = mandelbrotReference({ width, height, x, y, w, h, maxIter, ...view });
  return new TextEncoder().encode(JSON.stringify(out));
}
