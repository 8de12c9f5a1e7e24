// Turns validated alignment units into the demo's picture: every read's best hit over the
// reference windows validated so far, and the distribution of those best scores. A unit's label
// (`ref:<from>-<to> reads:<from>-<to>`, see src/server/demo-science.ts) says which window of the
// reference it searched and which reads it held.

export interface AlignmentUnit {
  /** First reference position of the window (1-based). */
  windowFrom: number;
  /** Index of the unit's first read (0-based). */
  firstRead: number;
  readLength: number[];
  scores: number[];
  /** [end in the window, end in the read], 1-based. */
  ends: [number, number][];
}

export interface ReadHit {
  read: number;
  score: number;
  /** Reference positions the best hit spans, 1-based inclusive (the start ignores gaps). */
  from: number;
  to: number;
  readLength: number;
}

const LABEL = /^ref:(\d+)-(\d+) reads:(\d+)-(\d+)$/;
const isCount = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v) && v >= 0;

export function toAlignmentUnit(input: unknown, output: unknown): AlignmentUnit | undefined {
  if (typeof input !== 'object' || input === null || typeof output !== 'object' || output === null) return undefined;
  const { label, targets } = input as Record<string, unknown>;
  const { scores, ends } = output as Record<string, unknown>;
  const m = typeof label === 'string' ? LABEL.exec(label) : null;
  if (!m || !Array.isArray(targets) || !Array.isArray(scores) || !Array.isArray(ends)) return undefined;
  if (scores.length !== targets.length || ends.length !== targets.length || !scores.every(isCount)) return undefined;
  if (!ends.every((e) => Array.isArray(e) && e.length === 2 && e.every(isCount))) return undefined;
  return {
    windowFrom: Number(m[1]),
    firstRead: Number(m[3]) - 1,
    readLength: targets.map((t) => (typeof t === 'string' ? t.length : 0)),
    scores: scores as number[],
    ends: ends as [number, number][],
  };
}

/** Each read's best hit across the units (ties: the earlier reference position). */
export function bestHits(units: AlignmentUnit[]): ReadHit[] {
  const best = new Map<number, ReadHit>();
  for (const unit of units) {
    unit.scores.forEach((score, k) => {
      const read = unit.firstRead + k;
      const [windowEnd, readEnd] = unit.ends[k]!;
      const to = unit.windowFrom - 1 + windowEnd;
      const hit = { read, score, to, from: to - readEnd + 1, readLength: unit.readLength[k]! };
      const old = best.get(read);
      if (!old || score > old.score || (score === old.score && to < old.to)) best.set(read, hit);
    });
  }
  return [...best.values()].sort((a, b) => a.read - b.read);
}

/** Counts of best scores in bins of `width`, from 0 to the highest possible (2 per read letter). */
export function scoreHistogram(hits: ReadHit[], width: number): { from: number; count: number }[] {
  const top = Math.max(0, ...hits.map((h) => 2 * h.readLength));
  const bins = Array.from({ length: Math.floor(top / width) + 1 }, (_, i) => ({ from: i * width, count: 0 }));
  for (const hit of hits) bins[Math.min(bins.length - 1, Math.floor(hit.score / width))]!.count++;
  return bins;
}
