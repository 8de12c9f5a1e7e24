// The demo's work generator: frame after frame of a zoom into a fixed point of the Mandelbrot
// set, each frame one batch of tiles. A frame is a window of the kernel's virtual image (see
// src/kernels/mandelbrot/kernel.ts), so the kernel stays a plain tile renderer. After the
// deepest frame f64 can draw, the zoom starts again at the next point, then the first again with
// more iterations: frames are never repeated and the work never runs out.
import type { WorkGenerator } from '../store/generator.js';

export interface ZoomPoint {
  name: string;
  re: number;
  im: number;
}

export const ZOOM_POINTS: readonly ZoomPoint[] = [
  { name: 'Seahorse valley', re: -0.743643887037151, im: 0.13182590420533 },
  { name: 'Elephant valley', re: 0.282, im: 0.01 },
];

/** The frame, its tiles and the zoom: the region is the kernel's whole-set view, 3.5 × 2.5. */
export const ZOOM_FRAME = { width: 448, height: 320, tile: 64 } as const;
/** Each frame is this much closer than the last. */
export const ZOOM_STEP = 1.25;
/** The kernel's limit on the virtual image's side; past it pixels would lose f64 exactness. */
const MAX_FULL_SIDE = 2 ** 48;
const BASE_ITER = 300;
const ITER_PER_FRAME = 40;
const MAX_ITER = 100000;

export interface ZoomState {
  /** Frames made so far, over every pass. */
  frame: number;
  /** Zoom passes completed: each pass zooms into the next point, from the whole set down. */
  pass: number;
  /** The frame within this pass (0: the whole set, drawn in the first pass only). */
  depth: number;
}

export const ZOOM_START: ZoomState = { frame: 0, pass: 0, depth: 0 };

export interface ZoomTileInput {
  width: number;
  height: number;
  x: number;
  y: number;
  w: number;
  h: number;
  maxIter: number;
  fullWidth: number;
  fullHeight: number;
  left: number;
  top: number;
}

/** The tiles of one frame: the window of the zoomed virtual image centred on the pass's point. */
export function zoomFrame(pass: number, depth: number): ZoomTileInput[] {
  const { width, height, tile } = ZOOM_FRAME;
  const point = ZOOM_POINTS[pass % ZOOM_POINTS.length]!;
  const zoom = ZOOM_STEP ** depth;
  const fullWidth = Math.round(width * zoom);
  const fullHeight = Math.round(height * zoom);
  // The point's pixel in the virtual image (kernel: re = -2.5 + 3.5 (px + 0.5) / fullWidth).
  const px = ((point.re + 2.5) / 3.5) * fullWidth - 0.5;
  const py = ((point.im + 1.25) / 2.5) * fullHeight - 0.5;
  const clamp = (v: number, max: number) => Math.min(Math.max(0, Math.round(v)), max);
  const left = clamp(px - width / 2, fullWidth - width);
  const top = clamp(py - height / 2, fullHeight - height);
  const rounds = Math.floor(pass / ZOOM_POINTS.length);
  const maxIter = Math.min(MAX_ITER, (BASE_ITER + ITER_PER_FRAME * depth) * (1 + rounds));
  const tiles: ZoomTileInput[] = [];
  for (let y = 0; y < height; y += tile) {
    for (let x = 0; x < width; x += tile) {
      tiles.push({
        width,
        height,
        x,
        y,
        w: Math.min(tile, width - x),
        h: Math.min(tile, height - y),
        maxIter,
        fullWidth,
        fullHeight,
        left,
        top,
      });
    }
  }
  return tiles;
}

/** The deepest frame of a pass: its virtual image still fits the kernel's limit. */
export const ZOOM_DEPTH = Math.floor(Math.log(MAX_FULL_SIDE / ZOOM_FRAME.width) / Math.log(ZOOM_STEP));

export const mandelbrotZoom: WorkGenerator<ZoomState> = {
  name: 'mandelbrot-zoom',
  next(state) {
    const units = zoomFrame(state.pass, state.depth);
    const deeper = state.depth + 1 <= ZOOM_DEPTH;
    return {
      units,
      state: {
        frame: state.frame + 1,
        pass: deeper ? state.pass : state.pass + 1,
        // Later passes start one frame in: the whole-set frame is the same for every point.
        depth: deeper ? state.depth + 1 : 1,
      },
    };
  },
};
