// The demo kernels must agree byte for byte with their TypeScript references (validation by
// replication depends on it), and the fixture kernels must fail in the ways the host reports.
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { runKernel } from '../../src/runtime/kernel-host.js';
import type { KernelOutcome } from '../../src/protocol/worker.js';
import { MAX_OUTPUT_BYTES } from '../../src/protocol/abi.js';
import { primesReference, primesReferenceBytes } from '../../src/kernels/primes/reference.js';
import { mandelbrotReferenceBytes } from '../../src/kernels/mandelbrot/reference.js';

const root = fileURLToPath(new URL('../../', import.meta.url));
const dist = `${root}dist`;
const encoder = new TextEncoder();
const decoder = new TextDecoder();

type BuildKernels = (options: { outDir: string; log?: (line: string) => void }) => Promise<unknown>;

const modules = new Map<string, WebAssembly.Module>();

async function load(path: string): Promise<WebAssembly.Module> {
  let module = modules.get(path);
  if (!module) {
    module = await WebAssembly.compile(await readFile(`${dist}/${path}`));
    modules.set(path, module);
  }
  return module;
}

async function run(path: string, input: string | Uint8Array, progress: number[] = []): Promise<KernelOutcome> {
  const bytes = typeof input === 'string' ? encoder.encode(input) : input;
  return runKernel(
    await load(path),
    bytes,
    { maxOutputBytes: MAX_OUTPUT_BYTES },
    { progress: (f) => progress.push(f) },
  );
}

async function expectSameAsReference(path: string, input: string, reference: (text: string) => Uint8Array) {
  const outcome = await run(path, input);
  if (!outcome.ok) throw new Error(`${path} failed on ${input}: ${outcome.error.message}`);
  const expected = reference(input);
  // Compare bytes cheaply; fall back to text only to get a readable diff.
  if (!Buffer.from(outcome.output).equals(expected))
    expect(decoder.decode(outcome.output)).toBe(decoder.decode(expected));
}

beforeAll(async () => {
  // A non-literal specifier: the build script is plain JS without type declarations.
  const script = new URL('../../scripts/build-kernels.mjs', import.meta.url).href;
  const { buildKernels } = (await import(script)) as { buildKernels: BuildKernels };
  await buildKernels({ outDir: dist, log: () => {} });
});

const SEGMENT_SPAN = 2 * 128 * 1024; // numbers covered by one sieve segment
const TWO_32 = 2 ** 32;

describe('primes kernel', () => {
  const ranges: [number, number][] = [
    [0, 0],
    [7, 7],
    [0, 1],
    [0, 2],
    [0, 3],
    [1, 2],
    [1, 3],
    [2, 3],
    [2, 2],
    [3, 4],
    [4, 5],
    [0, 100],
    [97, 98],
    [0, 1_000_000],
    [3 + SEGMENT_SPAN - 7, 3 + SEGMENT_SPAN + 7],
    [SEGMENT_SPAN, 3 * SEGMENT_SPAN + 1],
    [123_456_789, 128_456_789],
    [65521 * 65521 - 100, 65521 * 65521 + 100], // square of the largest base prime
    [TWO_32 - 5_000_000, TWO_32],
    [TWO_32 - 1, TWO_32],
    [TWO_32, TWO_32],
  ];

  it.each(ranges)('matches the reference on [%d, %d)', async (from, to) => {
    await expectSameAsReference('kernels/primes.wasm', JSON.stringify({ from, to }), primesReferenceBytes);
  });

  it('gives known counts', async () => {
    const count = async (from: number, to: number) => {
      const outcome = await run('kernels/primes.wasm', JSON.stringify({ from, to }));
      if (!outcome.ok) throw new Error(outcome.error.message);
      return (JSON.parse(decoder.decode(outcome.output)) as { count: number }).count;
    };
    expect(await count(0, 100)).toBe(25);
    expect(await count(0, 1_000_000)).toBe(78_498);
    expect(await count(0, 5_000_000)).toBe(348_513);
    expect(primesReference({ from: 0, to: 1_000_000 }).count).toBe(78_498);
  });

  it('accepts keys in any order and JSON whitespace', async () => {
    const input = ' \n{ "to" : 1000,\t"from":10 }\r\n';
    await expectSameAsReference('kernels/primes.wasm', input, primesReferenceBytes);
    expect(decoder.decode(primesReferenceBytes(input))).toBe('{"from":10,"to":1000,"count":164}');
  });

  it('reports a bounded number of progress fractions in [0, 1]', async () => {
    const progress: number[] = [];
    const outcome = await run('kernels/primes.wasm', '{"from":0,"to":20000000}', progress);
    expect(outcome.ok).toBe(true);
    expect(progress.length).toBeGreaterThan(0);
    expect(progress.length).toBeLessThanOrEqual(40);
    expect(progress.every((f, i) => f >= 0 && f <= 1 && (i === 0 || f >= (progress[i - 1] ?? 0)))).toBe(true);
  });
});

describe('mandelbrot kernel', () => {
  const tiles = [
    { width: 4, height: 3, x: 0, y: 0, w: 4, h: 3, maxIter: 50 },
    { width: 1, height: 1, x: 0, y: 0, w: 1, h: 1, maxIter: 100 },
    { width: 256, height: 256, x: 0, y: 0, w: 64, h: 64, maxIter: 1 },
    { width: 1000, height: 700, x: 936, y: 636, w: 64, h: 64, maxIter: 500 }, // bottom-right edge
    { width: 1000, height: 700, x: 0, y: 650, w: 1000, h: 50, maxIter: 200 }, // bottom strip
    { width: 1024, height: 1024, x: 448, y: 448, w: 64, h: 64, maxIter: 1000 },
    { width: 777, height: 555, x: 300, y: 200, w: 17, h: 23, maxIter: 100000 },
    { width: 65536, height: 65536, x: 65535, y: 32768, w: 1, h: 1, maxIter: 100 },
    { width: 512, height: 512, x: 0, y: 0, w: 512, h: 512, maxIter: 64 }, // largest tile
    // Windows into virtual images: the demo's zoom, from a shallow frame to the deepest allowed.
    {
      width: 448,
      height: 320,
      x: 64,
      y: 128,
      w: 64,
      h: 64,
      maxIter: 300,
      fullWidth: 4480,
      fullHeight: 3200,
      left: 900,
      top: 1700,
    },
    {
      width: 448,
      height: 320,
      x: 384,
      y: 256,
      w: 64,
      h: 64,
      maxIter: 2000,
      fullWidth: 2 ** 48,
      fullHeight: 201053554793326,
      left: 2 ** 47,
      top: 2 ** 46,
    },
  ];

  it.each(tiles)('matches the reference on %o', async (tile) => {
    await expectSameAsReference('kernels/mandelbrot.wasm', JSON.stringify(tile), mandelbrotReferenceBytes);
  });

  it('draws a window of a virtual image exactly as that part of the whole image', async () => {
    const whole = await run(
      'kernels/mandelbrot.wasm',
      '{"width":40,"height":30,"x":0,"y":0,"w":40,"h":30,"maxIter":80}',
    );
    const window = await run(
      'kernels/mandelbrot.wasm',
      '{"width":16,"height":10,"x":4,"y":2,"w":8,"h":6,"maxIter":80,"fullWidth":40,"fullHeight":30,"left":20,"top":12}',
    );
    if (!whole.ok || !window.ok) throw new Error('a tile failed');
    const all = (JSON.parse(decoder.decode(whole.output)) as { iters: number[] }).iters;
    const part = JSON.parse(decoder.decode(window.output)) as { x: number; y: number; iters: number[] };
    expect(part).toMatchObject({ x: 4, y: 2 });
    const expected = Array.from({ length: 48 }, (_, i) => all[(12 + 2 + Math.floor(i / 8)) * 40 + 20 + 4 + (i % 8)]);
    expect(part.iters).toEqual(expected);
  });

  it('writes the documented shape', async () => {
    const outcome = await run('kernels/mandelbrot.wasm', '{"maxIter":1,"h":1,"w":2,"y":0,"x":0,"height":1,"width":2}');
    expect(outcome.ok && decoder.decode(outcome.output)).toBe('{"x":0,"y":0,"w":2,"h":1,"maxIter":1,"iters":[1,1]}');
  });

  it('reports progress at most a few dozen times', async () => {
    const progress: number[] = [];
    await run('kernels/mandelbrot.wasm', JSON.stringify(tiles[8]), progress);
    expect(progress.length).toBeGreaterThan(0);
    expect(progress.length).toBeLessThanOrEqual(40);
    expect(progress.at(-1)).toBe(1);
  });
});

describe('malformed input to a demo kernel', () => {
  const bad: Record<string, (string | Uint8Array)[]> = {
    primes: [
      '',
      'null',
      '{}',
      '[0, 10]',
      '{"from":1}',
      '{"from":5,"to":3}',
      '{"from":1.5,"to":3}',
      '{"from":1e3,"to":3000}',
      '{"from":-1,"to":3}',
      '{"from":01,"to":3}',
      '{"from":"1","to":3}',
      '{"from":0,"to":4294967297}',
      '{"from":0,"to":1234567890123456789}',
      '{"from":1,"to":3,"extra":1}',
      '{"from":1,"from":2,"to":3}',
      '{"from":1,"to":3,}',
      '{"from":1,"to":3} x',
      new Uint8Array([0xff, 0xfe, 0x00, 0x7b]),
    ],
    mandelbrot: [
      '{"width":0,"height":1,"x":0,"y":0,"w":1,"h":1,"maxIter":1}',
      '{"width":10,"height":10,"x":5,"y":0,"w":6,"h":1,"maxIter":1}',
      '{"width":10,"height":10,"x":0,"y":0,"w":0,"h":1,"maxIter":1}',
      '{"width":10,"height":10,"x":0,"y":0,"w":1,"h":1,"maxIter":0}',
      '{"width":10,"height":10,"x":0,"y":0,"w":1,"h":1,"maxIter":100001}',
      '{"width":65537,"height":1,"x":0,"y":0,"w":1,"h":1,"maxIter":1}',
      '{"width":1024,"height":1024,"x":0,"y":0,"w":1024,"h":257,"maxIter":1}',
      '{"width":10,"height":10,"x":0,"y":0,"w":1,"h":1}',
      '{"from":0,"to":10}',
      '{"width":10,"height":10,"x":0,"y":0,"w":1,"h":1,"maxIter":1,"fullWidth":19,"fullHeight":20,"left":10,"top":0}',
      '{"width":10,"height":10,"x":0,"y":0,"w":1,"h":1,"maxIter":1,"fullWidth":20,"fullHeight":20,"left":0,"top":11}',
      '{"width":10,"height":10,"x":0,"y":0,"w":1,"h":1,"maxIter":1,"fullWidth":281474976710657,"fullHeight":20,"left":0,"top":0}',
      '{"width":10,"height":10,"x":0,"y":0,"w":1,"h":1,"maxIter":1,"fullWidth":20,"fullHeight":20}',
    ],
  };
  const references = { primes: primesReferenceBytes, mandelbrot: mandelbrotReferenceBytes };

  for (const [name, inputs] of Object.entries(bad)) {
    it.each(inputs)(`${name} aborts with a clear message on %s`, async (input) => {
      const outcome = await run(`kernels/${name}.wasm`, input);
      expect(outcome.ok).toBe(false);
      if (outcome.ok) return;
      expect(outcome.error.kind).toBe('abort');
      expect(outcome.error.message).toContain(`${name}: input must be`);
      const text = typeof input === 'string' ? input : decoder.decode(input);
      expect(() => references[name as keyof typeof references](text)).toThrow(`${name}: input must be`);
    });
  }
});

describe('fixture kernels', () => {
  it('echo returns its input', async () => {
    const input = encoder.encode('{"hello":"wörld"}');
    const outcome = await run('test-kernels/echo.wasm', input);
    expect(outcome).toEqual({ ok: true, output: input });
  });

  it('trap is reported as a trap', async () => {
    const outcome = await run('test-kernels/trap.wasm', 'x');
    expect(!outcome.ok && outcome.error.kind).toBe('trap');
  });

  it('abort is reported with its message', async () => {
    const outcome = await run('test-kernels/abort.wasm', 'x');
    expect(!outcome.ok && outcome.error.kind).toBe('abort');
    expect(!outcome.ok && outcome.error.message).toContain('something went wrong');
  });

  it('a non-zero status is reported as such', async () => {
    const outcome = await run('test-kernels/status.wasm', 'x');
    expect(!outcome.ok && outcome.error).toEqual({ kind: 'status', message: 'kernel returned status 3' });
  });

  it('100 MiB of output is refused at the 16 MiB limit', async () => {
    const module = await load('test-kernels/huge-output.wasm');
    const outcome = await runKernel(module, encoder.encode('x'), { maxOutputBytes: 16 * 1024 * 1024 });
    expect(!outcome.ok && outcome.error.kind).toBe('output-too-large');
    expect(!outcome.ok && outcome.error.message).toContain(String(100 * 1024 * 1024));
  });

  it('a disallowed import is refused before running', async () => {
    const outcome = await run('test-kernels/bad-import.wasm', 'x');
    expect(!outcome.ok && outcome.error.kind).toBe('abi');
    expect(!outcome.ok && outcome.error.message).toContain('env.now');
  });

  it('loop compiles and declares its progress import (it is never run here: it never ends)', async () => {
    const imports = WebAssembly.Module.imports(await load('test-kernels/loop.wasm'));
    expect(imports.map((i) => `${i.module}.${i.name}`)).toContain('sc.progress');
  });

  it('not-wasm.bin is not a module', async () => {
    const bytes = await readFile(`${root}test/fixtures/not-wasm.bin`);
    expect(WebAssembly.validate(bytes)).toBe(false);
  });
});
