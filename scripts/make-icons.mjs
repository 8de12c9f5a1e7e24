// Draws the app icons (public/icons/*.png) for the web app manifest: the favicon's open ring,
// white on the brand green. Run by hand when the design changes (`node scripts/make-icons.mjs`);
// the PNGs are committed, so the build needs no image tools.
//
// "any" icons are a green disc on transparency; "maskable" ones fill the square and keep the
// ring inside the central 80% circle that every platform's mask leaves visible.
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { deflateSync } from 'node:zlib';

const OUT = join(dirname(fileURLToPath(import.meta.url)), '..', 'public', 'icons');
const GREEN = [0x1d, 0x5c, 0x4f];
const WHITE = [0xff, 0xff, 0xff];
/** Samples per pixel side: 4×4 gives smooth edges. */
const SS = 4;
/** The ring's drawn share of the circle, as in the favicon's stroke-dasharray 56 20. */
const ARC = 56 / 76;
/** Where the arc starts, in turns clockwise from twelve o'clock: three o'clock, as an SVG circle's stroke does. */
const START = 0.25;

const ICONS = [
  { file: 'icon-192.png', size: 192, maskable: false },
  { file: 'icon-512.png', size: 512, maskable: false },
  { file: 'icon-maskable-192.png', size: 192, maskable: true },
  { file: 'icon-maskable-512.png', size: 512, maskable: true },
  { file: 'apple-touch-icon.png', size: 180, maskable: true },
];

/** Colour and coverage of one sample point, in units where the icon spans 0..1. */
function sample(x, y, maskable) {
  const dx = x - 0.5;
  const dy = y - 0.5;
  const r = Math.hypot(dx, dy);
  // The ring: radius and width relative to the icon; smaller on maskable icons (safe zone).
  const ringRadius = maskable ? 0.22 : 0.28;
  const ringWidth = maskable ? 0.085 : 0.1;
  const inDisc = maskable || r <= 0.48;
  if (!inDisc) return undefined;
  // Turns clockwise from the arc's start, 0..1; the gap sits at the top right, as in the favicon.
  const turn = (Math.atan2(dx, -dy) / (2 * Math.PI) + 2 - START) % 1;
  const onBand = Math.abs(r - ringRadius) <= ringWidth / 2;
  const onArc = onBand && turn <= ARC;
  // Round caps at both ends of the arc.
  const cap = (t) => {
    const a = (t + START) * 2 * Math.PI;
    return Math.hypot(dx - ringRadius * Math.sin(a), dy + ringRadius * Math.cos(a)) <= ringWidth / 2;
  };
  return onArc || cap(0) || cap(ARC) ? WHITE : GREEN;
}

function draw(size, maskable) {
  const pixels = Buffer.alloc(size * size * 4);
  for (let py = 0; py < size; py++) {
    for (let px = 0; px < size; px++) {
      let r = 0;
      let g = 0;
      let b = 0;
      let covered = 0;
      for (let sy = 0; sy < SS; sy++) {
        for (let sx = 0; sx < SS; sx++) {
          const colour = sample((px + (sx + 0.5) / SS) / size, (py + (sy + 0.5) / SS) / size, maskable);
          if (!colour) continue;
          r += colour[0];
          g += colour[1];
          b += colour[2];
          covered++;
        }
      }
      const i = (py * size + px) * 4;
      if (covered > 0) {
        pixels[i] = Math.round(r / covered);
        pixels[i + 1] = Math.round(g / covered);
        pixels[i + 2] = Math.round(b / covered);
        pixels[i + 3] = Math.round((covered / (SS * SS)) * 255);
      }
    }
  }
  return pixels;
}

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

function crc32(bytes) {
  let c = 0xffffffff;
  for (const byte of bytes) c = CRC_TABLE[(c ^ byte) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function chunk(type, data) {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(data.length, 0);
  head.write(type, 4, 'ascii');
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(Buffer.concat([head.subarray(4), data])), 0);
  return Buffer.concat([head, data, crc]);
}

/** An 8-bit RGBA PNG; each row uses the "Up" filter, which suits flat shapes. */
function png(size, rgba) {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(size, 0);
  ihdr.writeUInt32BE(size, 4);
  ihdr.set([8, 6, 0, 0, 0], 8);
  const stride = size * 4;
  const raw = Buffer.alloc((stride + 1) * size);
  for (let y = 0; y < size; y++) {
    raw[y * (stride + 1)] = 2;
    for (let x = 0; x < stride; x++) {
      const above = y === 0 ? 0 : rgba[(y - 1) * stride + x];
      raw[y * (stride + 1) + 1 + x] = (rgba[y * stride + x] - above) & 0xff;
    }
  }
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', deflateSync(raw, { level: 9 })),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

mkdirSync(OUT, { recursive: true });
for (const icon of ICONS) {
  const bytes = png(icon.size, draw(icon.size, icon.maskable));
  writeFileSync(join(OUT, icon.file), bytes);
  process.stderr.write(`icons: ${icon.file} ${bytes.length} bytes\n`);
}
