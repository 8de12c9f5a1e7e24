// The picture's model: tiles grouped into the zoom's frames, own tiles waiting until confirmed,
// a confirmed tile never shown as waiting again.
import { describe, expect, it } from 'vitest';
import { countTiles, FrameSet, isFinished } from '../../src/app/shared/mandelbrot-frames.js';
import { mandelbrotReference } from '../../src/kernels/mandelbrot/reference.js';
import { zoomFrame } from '../../src/server/generators/mandelbrot-zoom.js';

const tile = (depth: number, i: number) => {
  const input = zoomFrame(0, depth)[i]!;
  return { input, output: mandelbrotReference(input) };
};

describe('picture frames', () => {
  it('groups tiles by frame, shallowest first, and counts waiting and confirmed', () => {
    const frames = new FrameSet();
    const deep = tile(3, 0);
    const shallow = tile(1, 0);
    expect(frames.add(deep.input, deep.output, 'waiting')).toBeDefined();
    expect(frames.add(shallow.input, shallow.output, 'confirmed')).toBeDefined();
    const ordered = frames.ordered();
    expect(ordered.map((f) => f.zoom)).toEqual([1.25, 1.25 ** 3].map((z) => Math.round(448 * z) / 448));
    expect(countTiles(ordered[1]!, 'waiting')).toBe(1);
    expect(countTiles(ordered[0]!, 'confirmed')).toBe(1);
    expect(ordered[0]!.total).toBe(35);
  });

  it('turns a waiting tile confirmed, never back, and drops only waiting tiles', () => {
    const frames = new FrameSet();
    const t = tile(0, 4);
    expect(frames.add(t.input, t.output, 'waiting')).toBeDefined();
    expect(frames.add(t.input, t.output, 'waiting')).toBeUndefined();
    expect(frames.add(t.input, t.output, 'confirmed')).toBeDefined();
    expect(frames.add(t.input, t.output, 'waiting')).toBeUndefined();
    expect(frames.drop(t.input, t.output)).toBeUndefined();
    expect(countTiles(frames.ordered()[0]!, 'confirmed')).toBe(1);
    const other = tile(0, 5);
    frames.add(other.input, other.output, 'waiting');
    expect(frames.drop(other.input, other.output)).toBeDefined();
    expect(countTiles(frames.ordered()[0]!, 'waiting')).toBe(0);
  });

  it('is finished once every tile of the frame is confirmed, and ignores outputs that are not tiles', () => {
    const frames = new FrameSet();
    for (let i = 0; i < 35; i++) {
      const t = tile(2, i);
      frames.add(t.input, t.output, i === 34 ? 'waiting' : 'confirmed');
    }
    expect(isFinished(frames.ordered()[0]!)).toBe(false);
    const last = tile(2, 34);
    frames.add(last.input, last.output, 'confirmed');
    expect(isFinished(frames.ordered()[0]!)).toBe(true);
    expect(frames.add({ from: 0, to: 10 }, { count: 4 }, 'confirmed')).toBeUndefined();
    expect(frames.size).toBe(1);
  });
});

describe('a long zoom', () => {
  it('keeps only the deepest frames it is told to', () => {
    const frames = new FrameSet();
    for (let depth = 0; depth < 12; depth++) {
      const t = tile(depth, 0);
      frames.add(t.input, t.output, 'confirmed');
    }
    const gone = frames.keepNewest(7);
    expect(gone).toHaveLength(5);
    expect(frames.size).toBe(7);
    expect(frames.ordered()[0]!.zoom).toBe(Math.round(448 * 1.25 ** 5) / 448);
  });
});
