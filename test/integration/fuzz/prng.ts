// The fuzzer's seeded randomness. Every choice of what to send comes from `rng`, so a seed replays
// the same traffic; the server and the write-check sampling draw from their own streams so that
// neither can shift it.

function parseSeed(text: string | undefined): number {
  if (text === undefined || text.trim() === '') return (Math.random() * 2 ** 32) >>> 0;
  if (/^\d+$/.test(text.trim())) return Number(text.trim()) >>> 0;
  let h = 2166136261;
  for (const ch of text) h = Math.imul(h ^ ch.charCodeAt(0), 16777619);
  return h >>> 0;
}

/** `FUZZ_SEED=<seed>` replays a run; a non-numeric seed is hashed. */
export const SEED = parseSeed(process.env.FUZZ_SEED);

/** mulberry32: a tiny, good-enough 32-bit PRNG. */
function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Drives every choice of what to send. */
export const rng = mulberry32(SEED);
/** The server's own randomness (quiz placement, trust rolls), separate so it cannot shift the traffic. */
export const serverRandom = mulberry32(SEED ^ 0x5bd1e995);
/** Decides which requests get a full digest, separate so the sampling rate cannot shift the traffic. */
export const checkRandom = mulberry32(SEED ^ 0x27d4eb2f);

export const int = (lo: number, hi: number) => lo + Math.floor(rng() * (hi - lo + 1));
export const chance = (p: number) => rng() < p;
export const pick = <T>(items: readonly T[]): T => items[Math.floor(rng() * items.length)]!;
export function weighted<T>(entries: readonly (readonly [number, T])[]): T {
  let r = rng() * entries.reduce((sum, [w]) => sum + w, 0);
  for (const [w, value] of entries) {
    r -= w;
    if (r < 0) return value;
  }
  return entries[entries.length - 1]![1];
}
export const randomBytes = (n: number) => {
  const out = Buffer.alloc(n);
  for (let i = 0; i < n; i++) out[i] = int(0, 255);
  return out;
};

/** Flips one random bit of `bytes` in place. */
export function flipBit(bytes: Buffer): number {
  const at = int(0, bytes.length - 1);
  bytes[at] = bytes[at]! ^ (1 << int(0, 7));
  return at;
}
