// The Smith-Waterman kernel's SIMD build (striped, alignment.wasm) and its scalar build
// (alignment-scalar.wasm, also inside the SIMD one as its sc.fallback) give the very bytes of the
// TypeScript reference's plain three-matrix Gotoh on random and edge-case inputs, and refuse a
// bad letter naming where it is.
import { readFile } from 'node:fs/promises';
import { beforeAll, describe, expect, it } from 'vitest';
import { ALIGNMENT_USAGE, alignmentReferenceBytes, smithWaterman } from '../../src/kernels/alignment/reference.js';
import { MAX_OUTPUT_BYTES } from '../../src/protocol/abi.js';
import { kernelFallback } from '../../src/protocol/kernel-fallback.js';
import { runKernel } from '../../src/runtime/kernel-host.js';
import { chooseKernelVariant, engineHasSimd } from '../../src/runtime/kernel-variant.js';

const encoder = new TextEncoder();
const decoder = new TextDecoder();
let simdBytes: Uint8Array;
let scalarBytes: Uint8Array;
let simd: WebAssembly.Module;
let scalar: WebAssembly.Module;

beforeAll(async () => {
  const script = new URL('../../scripts/build-kernels.mjs', import.meta.url).href;
  const { buildKernels } = (await import(script)) as { buildKernels: (o: object) => Promise<unknown> };
  await buildKernels({ log: () => {} });
  simdBytes = new Uint8Array(await readFile('dist/kernels/alignment.wasm'));
  scalarBytes = new Uint8Array(await readFile('dist/kernels/alignment-scalar.wasm'));
  simd = await WebAssembly.compile(simdBytes as Uint8Array<ArrayBuffer>);
  scalar = await WebAssembly.compile(scalarBytes as Uint8Array<ArrayBuffer>);
});

async function runOn(module: WebAssembly.Module, input: string): Promise<string> {
  const outcome = await runKernel(module, encoder.encode(input), { maxOutputBytes: MAX_OUTPUT_BYTES });
  if (!outcome.ok) throw new Error(outcome.error.message);
  return decoder.decode(outcome.output);
}

/** Both builds against the reference; returns the parsed output. */
async function expectAgreement(input: unknown): Promise<{ scores: number[]; ends: [number, number][] }> {
  const text = JSON.stringify(input);
  const reference = decoder.decode(alignmentReferenceBytes(text));
  expect(await runOn(scalar, text)).toBe(reference);
  expect(await runOn(simd, text)).toBe(reference);
  return JSON.parse(reference) as { scores: number[]; ends: [number, number][] };
}

function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function dna(next: () => number, length: number, alphabet = 'ACGT'): string {
  let s = '';
  for (let i = 0; i < length; i++) s += alphabet[Math.floor(next() * alphabet.length)];
  return s;
}

/** A copy of `s` with substitutions, insertions and deletions at about `rate` each. */
function mutate(next: () => number, s: string, rate: number): string {
  let out = '';
  for (const c of s) {
    const r = next();
    if (r < rate) out += dna(next, 1);
    else if (r < 2 * rate) out += c + dna(next, 1 + Math.floor(next() * 4));
    else if (r < 3 * rate) continue;
    else out += c;
  }
  return out;
}

describe('alignment kernel', () => {
  it('is a SIMD module that carries its scalar build, and the runtime picks by the engine', () => {
    expect(engineHasSimd()).toBe(true);
    expect(kernelFallback(simdBytes)).toEqual(scalarBytes);
    expect(kernelFallback(scalarBytes)).toBeUndefined();
    expect(chooseKernelVariant(simdBytes).variant).toBe('main');
    expect(chooseKernelVariant(simdBytes, true).bytes).toEqual(scalarBytes);
    expect(chooseKernelVariant(scalarBytes, true).variant).toBe('main');
    // A module this engine cannot validate falls back: here, the SIMD build with a broken code section.
    const broken = simdBytes.slice();
    broken[simdBytes.length - scalarBytes.length - 40] ^= 0xff;
    if (!WebAssembly.validate(broken as Uint8Array<ArrayBuffer>)) {
      expect(chooseKernelVariant(broken).variant).toBe('fallback');
    }
  });

  it('scores what the textbook says', async () => {
    // 10 matches = 20; one mismatch in the middle: 9·2 − 3 = 15; a one-letter gap costs 5 + 2 = 7.
    const q = 'ACGTACGTAC';
    const out = await expectAgreement({
      query: q,
      targets: [q, 'ACGTATGTAC', 'ACGTAGTAC', 'acgtacgtac', ''],
    });
    expect(out.scores).toEqual([20, 15, 11, 20, 0]);
    expect(out.ends[0]).toEqual([10, 10]);
    expect(out.ends[4]).toEqual([0, 0]);
    expect(smithWaterman(new Uint8Array([0, 1, 2, 3]), new Uint8Array([0, 1, 2, 3])).score).toBe(8);
    // docs/KERNELS.md's example, byte for byte.
    const text = JSON.stringify({ query: q, targets: [q, 'ACGTAGTAC', ''] });
    expect(await runOn(simd, text)).toBe('{"scores":[20,11,0],"ends":[[10,10],[10,9],[0,0]]}');
  });

  it.each([
    { query: '', targets: [] },
    { query: '', targets: ['ACGT', ''] },
    { query: 'A', targets: ['A', 'C', 'AAAA', 'CCCCACCCC', ''] },
    { query: 'ACGT', targets: [] },
    { query: 'T', targets: ['T'] },
    { query: 'AAAAAAAAAAAAAAAAA', targets: ['AAAAAAAAAAAAAAAAA', 'A', 'TTTTTTTTTTTTTTTT'] },
    { query: 'ACGTTGCA', targets: ['TGCAACGT'] },
  ])('agrees with the reference on $query vs $targets', async (input) => {
    await expectAgreement(input);
  });

  it('takes a long gap when it is the optimum (all-gap middle)', async () => {
    // Two 30-letter blocks match on both sides of a 12-letter insertion: 120 − (5 + 24) = 91.
    const next = random(7);
    const left = dna(next, 30);
    const right = dna(next, 30);
    const inserted = dna(next, 12, 'G');
    const out = await expectAgreement({
      query: left + right,
      targets: [left + inserted + right, right + inserted + left],
    });
    expect(out.scores[0]).toBe(120 - 29);
    expect(out.ends[0]).toEqual([60, 72]);
  });

  it('agrees with the reference on 60 random inputs, lengths 1 to 300', async () => {
    const next = random(11);
    for (let k = 0; k < 60; k++) {
      const query = dna(next, 1 + Math.floor(next() * 300));
      const targets = Array.from({ length: 1 + Math.floor(next() * 6) }, () =>
        next() < 0.5 ? dna(next, Math.floor(next() * 300)) : mutate(next, query.slice(Math.floor(next() * 40)), 0.05),
      );
      await expectAgreement({ query, targets });
    }
  });

  it('agrees on query lengths around the 8 lanes, and on reads inside a long reference', async () => {
    const next = random(5);
    for (let m = 1; m <= 33; m++) {
      const query = dna(next, m);
      await expectAgreement({ query, targets: [query, dna(next, 40), mutate(next, query, 0.1)] });
    }
    const reference = dna(next, 2000);
    const reads = Array.from({ length: 8 }, () => {
      const at = Math.floor(next() * 1800);
      return mutate(next, reference.slice(at, at + 150), 0.02);
    });
    const out = await expectAgreement({ query: reference, targets: reads });
    for (const score of out.scores) expect(score).toBeGreaterThan(150);
  });

  it('SIMD and scalar builds agree on a 10000-letter query (the largest allowed)', async () => {
    const next = random(3);
    const query = dna(next, 10000);
    const text = JSON.stringify({
      query,
      targets: [query.slice(2000, 7000), mutate(next, query, 0.01), dna(next, 500)],
    });
    const fast = await runOn(simd, text);
    expect(await runOn(scalar, text)).toBe(fast);
    expect((JSON.parse(fast) as { scores: number[] }).scores[0]).toBe(10000);
  });

  it.each([
    ['{"query":"ACGN","targets":[]}', "query has 'N' at position 3 (0-based)"],
    ['{"query":"ACG","targets":["AC","GGU"]}', "targets[1] has 'U' at position 2 (0-based)"],
    ['{"targets":["A-C"],"query":"A"}', "targets[0] has '-' at position 1"],
    ['{"query":"AC\\u0041","targets":[]}', "query has '\\' at position 2"],
    ['{"query":"ACé","targets":[]}', 'query has byte 0xc3 at position 2'],
  ])('refuses %s naming the letter and position', async (input, message) => {
    const outcome = await runKernel(simd, encoder.encode(input), { maxOutputBytes: MAX_OUTPUT_BYTES });
    expect(outcome.ok).toBe(false);
    if (!outcome.ok) expect(outcome.error.message).toContain(message);
    expect(() => alignmentReferenceBytes(input)).toThrow(message);
    const scalarOutcome = await runKernel(scalar, encoder.encode(input), { maxOutputBytes: MAX_OUTPUT_BYTES });
    expect(scalarOutcome.ok).toBe(false);
  });

  it.each([
    '',
    '{}',
    '{"query":"A"}',
    '{"query":"A","targets":"A"}',
    '{"query":"A","targets":["A",]}',
    '{"query":"A","query":"A"}',
    '{"query":"A","targets":[],"x":1}',
    '{"query":"A","targets":[1]}',
    '{"query":"A","targets":["A"]} x',
    JSON.stringify({ query: 'A'.repeat(10001), targets: [] }),
    '{"query":"A","targets":[],"label":"a","label":"b"}',
    '{"query":"A","targets":[],"label":"tab\\t"}',
    '{"query":"A","targets":[],"label":1}',
    JSON.stringify({ query: 'A', targets: [], label: 'x'.repeat(257) }),
  ])('refuses malformed input %s with the usage line', async (input) => {
    const outcome = await runKernel(simd, encoder.encode(input), { maxOutputBytes: MAX_OUTPUT_BYTES });
    expect(outcome.ok).toBe(false);
    if (!outcome.ok) expect(outcome.error.message).toContain(ALIGNMENT_USAGE);
    expect(() => alignmentReferenceBytes(input)).toThrow(ALIGNMENT_USAGE);
  });

  it('ignores a label of up to 256 printable letters', async () => {
    const plain = await runOn(simd, '{"query":"ACGT","targets":["CGT"]}');
    for (const label of ['', 'ref:1-2000 reads:1-48', 'x'.repeat(256)]) {
      expect(await runOn(simd, JSON.stringify({ label, query: 'ACGT', targets: ['CGT'] }))).toBe(plain);
      await expectAgreement({ query: 'ACGT', label, targets: ['CGT'] });
    }
  });

  it('accepts JSON whitespace and lower case like the reference', async () => {
    const input = ' {\n "targets" : [ "acgt" , "TTAC" ] ,\t"query":"aCgTaC" }\r\n';
    const out = await runOn(simd, input);
    expect(out).toBe(decoder.decode(alignmentReferenceBytes(input)));
  });
});
