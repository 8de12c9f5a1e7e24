// The demo's zoom generator as a pure plug-in: frames tile their window exactly, stay inside the
// kernel's virtual-image limits, close in on the point, and never repeat over many passes.
import { describe, expect, it } from 'vitest';
import {
  mandelbrotZoom,
  ZOOM_DEPTH,
  ZOOM_FRAME,
  ZOOM_POINTS,
  ZOOM_START,
  zoomFrame,
} from '../../src/server/generators/mandelbrot-zoom.js';

const FRAME_TILES = (ZOOM_FRAME.width / ZOOM_FRAME.tile) * (ZOOM_FRAME.height / ZOOM_FRAME.tile);

describe('mandelbrot zoom generator', () => {
  it('makes frames whose tiles cover the window once, inside the virtual image', () => {
    for (const depth of [0, 1, 30, ZOOM_DEPTH]) {
      const tiles = zoomFrame(0, depth);
      expect(tiles).toHaveLength(FRAME_TILES);
      const covered = new Set(tiles.map((t) => `${t.x},${t.y}`));
      expect(covered.size).toBe(FRAME_TILES);
      for (const t of tiles) {
        expect(t.x + t.w).toBeLessThanOrEqual(t.width);
        expect(t.y + t.h).toBeLessThanOrEqual(t.height);
        expect(t.left + t.width).toBeLessThanOrEqual(t.fullWidth);
        expect(t.top + t.height).toBeLessThanOrEqual(t.fullHeight);
        expect(t.fullWidth).toBeLessThanOrEqual(2 ** 48);
        expect(Number.isSafeInteger(t.left) && Number.isSafeInteger(t.top)).toBe(true);
      }
    }
  });

  it('centres each deeper frame closer on the point', () => {
    const point = ZOOM_POINTS[0]!;
    let last = Infinity;
    for (const depth of [5, 20, 60, ZOOM_DEPTH]) {
      const t = zoomFrame(0, depth)[0]!;
      const re = -2.5 + (3.5 * (t.left + t.width / 2)) / t.fullWidth;
      const im = -1.25 + (2.5 * (t.top + t.height / 2)) / t.fullHeight;
      const distance = Math.hypot(re - point.re, im - point.im);
      // Within a pixel or two of the frame's centre, and closer than the frame before.
      expect(distance).toBeLessThan((3 * 3.5) / t.fullWidth);
      expect(distance).toBeLessThan(last);
      last = distance;
    }
  });

  it('steps frame by frame, rolls over to the next point after the deepest, and never repeats a frame', () => {
    let state = ZOOM_START;
    const seen = new Set<string>();
    const steps = ZOOM_DEPTH + 1 + 2 * ZOOM_DEPTH;
    for (let step = 0; step < steps; step++) {
      const { units, state: next } = mandelbrotZoom.next(state);
      expect(units).toEqual(zoomFrame(state.pass, state.depth));
      const key = JSON.stringify(units[0]);
      expect(seen.has(key)).toBe(false);
      seen.add(key);
      expect(next.frame).toBe(step + 1);
      state = next;
    }
    // Later passes start one frame in (the whole-set frame is the same for every point).
    expect(state).toEqual({ frame: steps, pass: 3, depth: 1 });
    // The third pass is the first point again, with more iterations.
    expect(zoomFrame(2, 1)[0]!.maxIter).toBeGreaterThan(zoomFrame(0, 1)[0]!.maxIter);
  });
});
