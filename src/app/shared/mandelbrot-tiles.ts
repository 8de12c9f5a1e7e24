// Turns a validated Mandelbrot unit (input: the tile and whole-image size; output: escape counts)
// into pixels. Kept apart from the component so the colouring is plain data in, pixels out.

export interface MandelbrotTile {
  /** Whole image size, from the unit's input. */
  width: number;
  height: number;
  x: number;
  y: number;
  w: number;
  h: number;
  maxIter: number;
  iters: ArrayLike<number>;
}

const isCount = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v) && v >= 0;

/** A tile from one `{input, output}` of GET /projects/:id/outputs, or undefined when it is not one. */
export function toTile(input: unknown, output: unknown): MandelbrotTile | undefined {
  if (typeof input !== 'object' || input === null || typeof output !== 'object' || output === null) return undefined;
  const { width, height } = input as Record<string, unknown>;
  const { x, y, w, h, maxIter, iters } = output as Record<string, unknown>;
  if (![width, height, x, y, w, h, maxIter].every(isCount) || !Array.isArray(iters)) return undefined;
  const tile = { width, height, x, y, w, h, maxIter } as Omit<MandelbrotTile, 'iters'>;
  // A tile that does not fit its image would throw in putImageData; such an output is not ours.
  if (tile.w * tile.h !== iters.length || tile.x + tile.w > tile.width || tile.y + tile.h > tile.height)
    return undefined;
  return { ...tile, iters: iters as number[] };
}

/** How many tiles make the whole image, given one tile's size (the demo's are all equal). */
export function tilesInImage(tile: MandelbrotTile): number {
  return Math.ceil(tile.width / tile.w) * Math.ceil(tile.height / tile.h);
}

// Deep ink through the page's teal accent to mint, cream and amber: calm, and at home beside the
// rest of the page. The set itself (never escaped) is the darkest ink.
const STOPS: [number, [number, number, number]][] = [
  [0, [10, 26, 36]],
  [0.18, [29, 92, 79]],
  [0.32, [124, 199, 176]],
  [0.45, [244, 228, 161]],
  [0.6, [233, 162, 59]],
  [0.8, [150, 50, 40]],
  [1, [40, 12, 30]],
];
const INSIDE: [number, number, number] = [6, 12, 10];
const LUT_SIZE = 1024;

const LUT = (() => {
  const lut = new Uint8ClampedArray(LUT_SIZE * 3);
  for (let i = 0; i < LUT_SIZE; i++) {
    const t = i / (LUT_SIZE - 1);
    const upper = STOPS.findIndex(([at]) => at >= t);
    const [a, from] = STOPS[Math.max(0, upper - 1)]!;
    const [b, to] = STOPS[upper]!;
    const f = b === a ? 0 : (t - a) / (b - a);
    for (let c = 0; c < 3; c++) lut[i * 3 + c] = from[c]! + (to[c]! - from[c]!) * f;
  }
  return lut;
})();

/** RGBA pixels of a tile. Escape counts are spread on a log scale: most points escape quickly. */
export function tilePixels(tile: MandelbrotTile): Uint8ClampedArray<ArrayBuffer> {
  const pixels = new Uint8ClampedArray(tile.w * tile.h * 4);
  const scale = (LUT_SIZE - 1) / Math.log1p(tile.maxIter);
  for (let i = 0; i < tile.w * tile.h; i++) {
    const n = tile.iters[i] ?? 0;
    const o = i * 4;
    if (n >= tile.maxIter) {
      pixels.set(INSIDE, o);
    } else {
      const k = Math.round(Math.log1p(n) * scale) * 3;
      pixels[o] = LUT[k]!;
      pixels[o + 1] = LUT[k + 1]!;
      pixels[o + 2] = LUT[k + 2]!;
    }
    pixels[o + 3] = 255;
  }
  return pixels;
}

export function paintTile(context: CanvasRenderingContext2D, tile: MandelbrotTile): void {
  context.putImageData(new ImageData(tilePixels(tile), tile.w, tile.h), tile.x, tile.y);
}
