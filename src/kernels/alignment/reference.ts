// Plain-TypeScript twin of kernel.ts: the full Gotoh dynamic programme with three matrices,
// written for clarity rather than speed, and a parser that reads the input's UTF-8 bytes by the
// kernel's rules, so both accept, refuse and answer alike, byte for byte.

export interface AlignmentInput {
  /** DNA letters A, C, G, T in either case; at most 10000. */
  query: string;
  /** At most 65536 sequences of the same letters. */
  targets: string[];
  /** Ignored by the alignment: a name for the unit (the demo's says which reference window and reads). */
  label?: string;
}

export interface AlignmentOutput {
  /** The best local alignment score of the query against each target, in order. */
  scores: number[];
  /**
   * Where each best hit ends: [query position, target position] of its last aligned pair,
   * 1-based ([0, 0] for a score of 0). Of several equally good ends, the one with the smallest
   * target position, then the smallest query position.
   */
  ends: [number, number][];
}

export const ALIGNMENT_USAGE =
  'alignment: input must be {"query":"ACGT…","targets":["ACGT…",…]} (optionally "label":"…", up to 256 ' +
  'printable ASCII characters without \\ or ") with at most 10000 query letters and 65536 targets';
export const SCORING = { match: 2, mismatch: -3, gapOpen: 5, gapExtend: 2 } as const;
const MAX_QUERY = 10000;
const MAX_TARGETS = 65536;
const MAX_LABEL = 256;
const CODES: Record<number, number> = { 0x61: 0, 0x63: 1, 0x67: 2, 0x74: 3 };

export class AlignmentInputError extends Error {}

function badLetter(what: string, byte: number, position: number): AlignmentInputError {
  const shown =
    byte >= 0x20 && byte < 0x7f ? `'${String.fromCharCode(byte)}'` : `byte 0x${byte.toString(16).padStart(2, '0')}`;
  return new AlignmentInputError(
    `alignment: ${what} has ${shown} at position ${position} (0-based); only A, C, G and T are allowed`,
  );
}

/** Parses the kernel's input from its bytes by the kernel's rules; throws AlignmentInputError. */
export function parseAlignmentInput(bytes: Uint8Array): { query: Uint8Array; targets: Uint8Array[] } {
  let pos = 0;
  const usage = () => new AlignmentInputError(ALIGNMENT_USAGE);
  const space = () => {
    while (pos < bytes.length && [0x20, 0x09, 0x0a, 0x0d].includes(bytes[pos]!)) pos++;
  };
  const expect = (c: number) => {
    space();
    if (bytes[pos] !== c) throw usage();
    pos++;
  };
  const sequence = (what: () => string): Uint8Array => {
    expect(0x22);
    const start = pos;
    const codes: number[] = [];
    while (pos < bytes.length) {
      const code = CODES[bytes[pos]! | 0x20];
      if (code === undefined) break;
      codes.push(code);
      pos++;
    }
    if (pos >= bytes.length) throw usage();
    if (bytes[pos] !== 0x22) throw badLetter(what(), bytes[pos]!, pos - start);
    pos++;
    return Uint8Array.from(codes);
  };
  let query: Uint8Array | undefined;
  let targets: Uint8Array[] | undefined;
  let labelled = false;
  expect(0x7b);
  for (;;) {
    expect(0x22);
    const keyEnd = bytes.indexOf(0x22, pos);
    if (keyEnd < 0) throw usage();
    const key = new TextDecoder().decode(bytes.subarray(pos, keyEnd));
    pos = keyEnd + 1;
    expect(0x3a);
    if (key === 'query' && !query) {
      query = sequence(() => 'query');
      if (query.length > MAX_QUERY) throw usage();
    } else if (key === 'targets' && !targets) {
      const list: Uint8Array[] = [];
      expect(0x5b);
      space();
      if (bytes[pos] === 0x5d) {
        pos++;
      } else {
        for (;;) {
          if (list.length >= MAX_TARGETS) throw usage();
          list.push(sequence(() => `targets[${list.length}]`));
          space();
          const c = bytes[pos++];
          if (c === 0x5d) break;
          if (c !== 0x2c) throw usage();
        }
      }
      targets = list;
    } else if (key === 'label' && !labelled) {
      expect(0x22);
      const start = pos;
      while (pos < bytes.length && pos - start <= MAX_LABEL && bytes[pos] !== 0x22) {
        const c = bytes[pos]!;
        if (c < 0x20 || c >= 0x7f || c === 0x5c) throw usage();
        pos++;
      }
      if (bytes[pos] !== 0x22 || pos - start > MAX_LABEL) throw usage();
      pos++;
      labelled = true;
    } else {
      throw usage();
    }
    space();
    const c = bytes[pos++];
    if (c === 0x7d) break;
    if (c !== 0x2c) throw usage();
  }
  space();
  if (pos !== bytes.length || !query || !targets) throw usage();
  return { query, targets };
}

/** Smith-Waterman with affine gaps (Gotoh): best score and its end, 1-based. */
export function smithWaterman(query: Uint8Array, target: Uint8Array): { score: number; end: [number, number] } {
  const { match, mismatch, gapOpen, gapExtend } = SCORING;
  const m = query.length;
  const n = target.length;
  const NEG = -1e9;
  const H = Array.from({ length: m + 1 }, () => new Array<number>(n + 1).fill(0));
  const E = Array.from({ length: m + 1 }, () => new Array<number>(n + 1).fill(NEG)); // gap in the query (moves along the target)
  const F = Array.from({ length: m + 1 }, () => new Array<number>(n + 1).fill(NEG)); // gap in the target
  let score = 0;
  let end: [number, number] = [0, 0];
  for (let j = 1; j <= n; j++) {
    for (let i = 1; i <= m; i++) {
      E[i]![j] = Math.max(E[i]![j - 1]! - gapExtend, H[i]![j - 1]! - gapOpen - gapExtend);
      F[i]![j] = Math.max(F[i - 1]![j]! - gapExtend, H[i - 1]![j]! - gapOpen - gapExtend);
      const s = query[i - 1] === target[j - 1] ? match : mismatch;
      H[i]![j] = Math.max(0, H[i - 1]![j - 1]! + s, E[i]![j]!, F[i]![j]!);
      if (H[i]![j]! > score) {
        score = H[i]![j]!;
        end = [i, j];
      }
    }
  }
  return { score, end };
}

export function alignmentReference(query: Uint8Array, targets: Uint8Array[]): AlignmentOutput {
  const scores: number[] = [];
  const ends: [number, number][] = [];
  for (const target of targets) {
    const hit = smithWaterman(query, target);
    scores.push(hit.score);
    ends.push(hit.end);
  }
  return { scores, ends };
}

/** The exact bytes the kernel outputs for this input; throws AlignmentInputError where the kernel aborts. */
export function alignmentReferenceBytes(input: string | Uint8Array): Uint8Array {
  const bytes = typeof input === 'string' ? new TextEncoder().encode(input) : input;
  const { query, targets } = parseAlignmentInput(bytes);
  return new TextEncoder().encode(JSON.stringify(alignmentReference(query, targets)));
}
