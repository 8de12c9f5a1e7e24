// A made-up but real-looking genome and sequencing run for the alignment demo, generated from a
// seed (no downloads): a reference with a human-like 41 % GC content, CpG depletion, copies of a
// repeat element with a few percent divergence and microsatellites; and 150-letter reads taken
// from it with Illumina-like errors (substitutions, rarer insertions and deletions), plus reads
// from a contaminant that match nothing. Deterministic: every server seeds the same units.

/** mulberry32: a small, fast, seedable generator (quality is ample for made-up DNA). */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const GC = 0.41;

function letter(next: () => number, previous: string): string {
  const gc = next() < GC;
  const c = gc ? (next() < 0.5 ? 'G' : 'C') : next() < 0.5 ? 'A' : 'T';
  // CpG is rare in vertebrate DNA (methylated C mutates to T): redraw most Gs after a C.
  if (previous === 'C' && c === 'G' && next() < 0.75) return next() < 0.5 ? 'A' : 'T';
  return c;
}

function randomDna(next: () => number, length: number): string {
  let s = '';
  for (let i = 0; i < length; i++) s += letter(next, s[s.length - 1] ?? '');
  return s;
}

/** A copy of `s` with each letter substituted with probability `rate`. */
function diverge(next: () => number, s: string, rate: number): string {
  let out = '';
  for (const c of s) out += next() < rate ? 'ACGT'[Math.floor(next() * 4)] : c;
  return out;
}

export function referenceGenome(length: number, seed: number): string {
  const next = seededRandom(seed);
  const repeat = randomDna(next, 280); // an Alu-sized element, copied around the genome
  let genome = '';
  while (genome.length < length) {
    const r = next();
    if (r < 0.04) genome += diverge(next, repeat, 0.02 + next() * 0.1);
    else if (r < 0.07) {
      const unit = randomDna(next, 2 + Math.floor(next() * 3));
      genome += unit.repeat(5 + Math.floor(next() * 15));
    } else genome += randomDna(next, 100 + Math.floor(next() * 400));
  }
  return genome.slice(0, length);
}

export interface Read {
  /** The read's letters. */
  sequence: string;
  /** Where it came from in the reference (0-based), or -1 for a contaminant. */
  origin: number;
}

/** Reads of `length` letters: most from the reference with sequencing errors, a tenth contaminants. */
export function sequencingReads(reference: string, count: number, length: number, seed: number): Read[] {
  const next = seededRandom(seed);
  const reads: Read[] = [];
  for (let k = 0; k < count; k++) {
    if (next() < 0.1) {
      reads.push({ sequence: randomDna(next, length), origin: -1 });
      continue;
    }
    const origin = Math.floor(next() * (reference.length - length - 8));
    let sequence = '';
    // Errors grow towards the read's end, as on Illumina machines: 0.2 % to 2 %.
    for (let i = origin; sequence.length < length; i++) {
      const rate = 0.002 + (0.018 * sequence.length) / length;
      const r = next();
      const c = reference[i]!;
      if (r < rate) sequence += 'ACGT'.replace(c, '')[Math.floor(next() * 3)];
      else if (r < rate * 1.1) sequence += c + 'ACGT'[Math.floor(next() * 4)];
      else if (r < rate * 1.2) continue;
      else sequence += c;
    }
    reads.push({ sequence: sequence.slice(0, length), origin });
  }
  return reads;
}
