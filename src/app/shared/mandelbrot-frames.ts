// The tiles a picture knows, grouped into frames: a plain Mandelbrot project has one frame, a
// zoom (the demo's work generator) one per step. Each tile is `confirmed` (the server validated
// it) or `waiting` (this browser computed it, no second opinion yet); a confirmed tile is never
// downgraded. Plain data: the component paints what this says.
import { tilesInImage, toTile, type MandelbrotTile } from './mandelbrot-tiles.js';

export type TileState = 'confirmed' | 'waiting';

export interface FrameTile {
  tile: MandelbrotTile;
  state: TileState;
}

export interface Frame {
  key: string;
  /** Magnification over the whole set (1 for a plain picture). */
  zoom: number;
  maxIter: number;
  /** Tiles that make the whole frame. */
  total: number;
  tiles: Map<string, FrameTile>;
}

export const countTiles = (frame: Frame, state: TileState) =>
  [...frame.tiles.values()].filter((t) => t.state === state).length;

export const isFinished = (frame: Frame) => frame.total > 0 && countTiles(frame, 'confirmed') >= frame.total;

const num = (value: unknown) => (typeof value === 'number' && Number.isFinite(value) ? value : undefined);

/** Which frame a unit's input belongs to, and how deep it is. */
function frameOf(input: unknown, tile: MandelbrotTile): { key: string; zoom: number } {
  const view = (typeof input === 'object' && input !== null ? input : {}) as Record<string, unknown>;
  const fullWidth = num(view.fullWidth) ?? tile.width;
  const fullHeight = num(view.fullHeight) ?? tile.height;
  const key = `${fullWidth}x${fullHeight}@${num(view.left) ?? 0},${num(view.top) ?? 0}/${tile.maxIter}`;
  return { key, zoom: fullWidth / tile.width };
}

export class FrameSet {
  private readonly frames = new Map<string, Frame>();

  /**
   * Records a tile; returns its frame when something visible changed, undefined when not (the
   * same state again, a waiting tile over a confirmed one) or when it is no tile at all.
   */
  add(input: unknown, output: unknown, state: TileState): Frame | undefined {
    const tile = toTile(input, output);
    if (!tile) return undefined;
    const { key, zoom } = frameOf(input, tile);
    let frame = this.frames.get(key);
    if (!frame) {
      frame = { key, zoom, maxIter: tile.maxIter, total: tilesInImage(tile), tiles: new Map() };
      this.frames.set(key, frame);
    }
    const at = `${tile.x},${tile.y}`;
    const known = frame.tiles.get(at);
    if (known && (known.state === 'confirmed' || known.state === state)) return undefined;
    frame.tiles.set(at, { tile, state });
    return frame;
  }

  /** Forgets a waiting tile that the server turned down (a confirmed one stays). */
  drop(input: unknown, output: unknown): Frame | undefined {
    const tile = toTile(input, output);
    if (!tile) return undefined;
    const frame = this.frames.get(frameOf(input, tile).key);
    const at = `${tile.x},${tile.y}`;
    if (!frame || frame.tiles.get(at)?.state !== 'waiting') return undefined;
    frame.tiles.delete(at);
    return frame;
  }

  /** Frames with tiles, shallowest first (a zoom's frames deepen and take more iterations). */
  ordered(): Frame[] {
    return [...this.frames.values()]
      .filter((f) => f.tiles.size > 0)
      .sort((a, b) => a.maxIter - b.maxIter || a.zoom - b.zoom || (a.key < b.key ? -1 : 1));
  }

  /** Forgets all but the deepest `keep` frames (a long zoom must not hold every frame it showed). */
  keepNewest(keep: number): Frame[] {
    const gone = this.ordered().slice(0, -keep);
    for (const frame of gone) this.frames.delete(frame.key);
    return gone;
  }

  get size(): number {
    return this.ordered().length;
  }
}
