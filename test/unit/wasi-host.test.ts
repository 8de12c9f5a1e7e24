// The wasi ABI: checkKernelAbi tells wasi programs from sc1 kernels (and refuses mixtures), and
// runWasiKernel runs an unmodified C program (test/fixtures/wasi/wordfreq.c, compiled with
// clang + wasi-libc and committed) with stdin = input, stdout = output, exit code ≠ 0 = error.
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { checkKernelAbi, MAX_OUTPUT_BYTES } from '../../src/protocol/abi.js';
import { runWasiKernel } from '../../src/runtime/wasi-host.js';
import { tinyKernel } from '../helpers/tiny-kernel.js';
import { assemble, call, i32, I32_I32_I32, PROC_EXIT, VOID } from '../fixtures/wasi/assemble.js';
import { wordfreqReference } from '../fixtures/wasi/reference.js';

const root = fileURLToPath(new URL('../../', import.meta.url));
const WORDFREQ = `${root}test/fixtures/wasi/wordfreq.wasm`;
const PRIMES = `${root}dist/kernels/primes.wasm`;
const encoder = new TextEncoder();
const decoder = new TextDecoder();

const wordfreq = new WebAssembly.Module(readFileSync(WORDFREQ));

function run(
  module: WebAssembly.Module,
  input: string,
  options: { maxOutputBytes?: number; maxMemoryBytes?: number } = {},
) {
  return runWasiKernel(module, encoder.encode(input), { maxOutputBytes: MAX_OUTPUT_BYTES, ...options });
}

describe('checkKernelAbi', () => {
  it('reads wordfreq.wasm (clang + wasi-libc) as wasi', () => {
    expect(checkKernelAbi(wordfreq)).toEqual({ ok: true, abi: 'wasi' });
  });

  it('reads the primes demo kernel and a hand-made sc1 module as sc1', (ctx) => {
    expect(checkKernelAbi(new WebAssembly.Module(new Uint8Array(tinyKernel())))).toEqual({ ok: true, abi: 'sc1' });
    if (!existsSync(PRIMES)) ctx.skip(`${PRIMES} is missing: run \`npm run build\` to build the demo kernels`);
    expect(checkKernelAbi(new WebAssembly.Module(readFileSync(PRIMES)))).toEqual({ ok: true, abi: 'sc1' });
  });

  it('refuses a wasi program that also imports env.x, naming the import', () => {
    const module = assemble({ imports: [PROC_EXIT, ['env', 'x', VOID]], body: [] });
    const check = checkKernelAbi(module);
    expect(check.ok).toBe(false);
    expect(!check.ok && check.reason).toContain('"env.x"');
    expect(!check.ok && check.reason).toContain('wasi_snapshot_preview1');
    expect(!check.ok && check.reason).not.toContain('\n');
  });

  it('refuses a module that mixes the two ABIs', () => {
    const withSc = assemble({ imports: [PROC_EXIT, ['sc', 'progress', VOID]], body: [] });
    const withRun = assemble({ imports: [PROC_EXIT], body: [], exports: ['_start', 'run'] });
    for (const module of [withSc, withRun]) {
      const check = checkKernelAbi(module);
      expect(check.ok).toBe(false);
      expect(!check.ok && check.reason).toMatch(/^mixes the wasi ABI .* with the sc1 ABI .*; a kernel follows one$/);
    }
  });

  it('refuses a wasi module without _start (a reactor or library)', () => {
    const check = checkKernelAbi(assemble({ imports: [PROC_EXIT], body: [], exports: ['_initialize'] }));
    expect(check.ok).toBe(false);
    expect(!check.ok && check.reason).toContain('"_start"');
  });

  it('keeps the sc1 reasons as they were', () => {
    const check = checkKernelAbi(assemble({ imports: [['env', 'now', VOID]], body: [], exports: ['run'] }));
    expect(check).toEqual({
      ok: false,
      reason: 'imports function "env.now", but kernels may only import sc.progress, sc.checkpoint and env.abort',
    });
  });
});

describe('runWasiKernel on wordfreq.wasm', () => {
  const inputs = [
    '{"text":"The cat and the hat. A cat!"}',
    '{"id":7,"text":"Ünïcödé été, ÉTÉ et été 😀 x\\ny","tags":["a",{"b":[1,2.5e3,true,null]}]}',
    JSON.stringify('a JSON string\twith "escapes" and \u0041\u00e9\u{1F600} ABC abc'),
    'To be, or not to be: that is the question.\n',
  ];

  it.each(inputs)('prints the word counts the TypeScript reference gives for %s', async (input) => {
    const outcome = await run(wordfreq, input);
    expect(outcome.ok, JSON.stringify(outcome)).toBe(true);
    expect(outcome.ok && decoder.decode(outcome.output)).toBe(wordfreqReference(input));
  });

  it('counts a 1 MiB text, the same bytes on every run', async () => {
    const vocabulary = ['alpha', 'Beta', 'gamma', 'delta', 'epsilon', 'zeta', 'eta', 'theta', 'iota', 'kappa'];
    const parts: string[] = [];
    let length = 0;
    for (let i = 0; length < 1024 * 1024 - 40; i++) {
      const word = `${vocabulary[(i * 7) % vocabulary.length]}${i % 97}`;
      parts.push(word);
      length += word.length + 1;
    }
    const input = parts.join(' ');
    const first = await run(wordfreq, input);
    const second = await run(wordfreq, input);
    expect(first.ok && decoder.decode(first.output)).toBe(wordfreqReference(input));
    expect(second.ok && second.output).toEqual(first.ok && first.output);
  });

  it('reports a non-zero exit as a status error with the stderr text', async () => {
    expect(await run(wordfreq, '')).toEqual({
      ok: false,
      error: { kind: 'status', message: 'exit code 2: wordfreq: empty input' },
    });
    expect(await run(wordfreq, ' \n\t ')).toEqual({
      ok: false,
      error: { kind: 'status', message: 'exit code 2: wordfreq: empty input' },
    });
    expect(await run(wordfreq, '{"title":"no text"}')).toEqual({
      ok: false,
      error: { kind: 'status', message: 'exit code 1: wordfreq: the input object has no "text" member' },
    });
  });

  it('stops at the output limit with output-too-large, and accepts output exactly at it', async () => {
    const input = '{"text":"one two three two three three"}';
    const expected = encoder.encode(wordfreqReference(input));
    const atLimit = await run(wordfreq, input, { maxOutputBytes: expected.length });
    expect(atLimit).toEqual({ ok: true, output: expected });
    const over = await run(wordfreq, input, { maxOutputBytes: expected.length - 1 });
    expect(!over.ok && over.error.kind).toBe('output-too-large');
    expect(!over.ok && over.error.message).toContain(`limit of ${expected.length - 1} bytes`);
  });

  it('stops a program whose memory passes the limit', async () => {
    const outcome = await run(wordfreq, '{"text":"x"}', { maxMemoryBytes: 64 * 1024 });
    expect(!outcome.ok && outcome.error.kind).toBe('memory');
  });
});

describe('runWasiKernel failures', () => {
  it('reports a trap as a trap', async () => {
    const outcome = await run(assemble({ imports: [PROC_EXIT], body: [0x00] }), 'x');
    expect(!outcome.ok && outcome.error.kind).toBe('trap');
    expect(!outcome.ok && outcome.error.message).toMatch(/^kernel trapped: /);
  });

  it('reports proc_exit(3) as exit code 3, and proc_exit(0) as success with empty output', async () => {
    const exit = (code: number) => assemble({ imports: [PROC_EXIT], body: [...i32(code), ...call(0)] });
    expect(await run(exit(3), 'x')).toEqual({ ok: false, error: { kind: 'status', message: 'exit code 3' } });
    expect(await run(exit(0), 'x')).toEqual({ ok: true, output: new Uint8Array(0) });
  });

  it('gives the program no preopened directory: fd_prestat_get(3) answers EBADF', async () => {
    const module = assemble({
      imports: [PROC_EXIT, ['wasi_snapshot_preview1', 'fd_prestat_get', I32_I32_I32]],
      body: [...i32(3), ...i32(0), ...call(1), ...call(0)], // proc_exit(fd_prestat_get(3, 0))
    });
    expect(await run(module, 'x')).toEqual({ ok: false, error: { kind: 'status', message: 'exit code 8' } });
  });

  it('refuses an sc1 kernel (abi), and reports an unknown wasi function as a link failure (abi)', async () => {
    const sc1 = await run(new WebAssembly.Module(new Uint8Array(tinyKernel())), 'x');
    expect(sc1).toEqual({ ok: false, error: { kind: 'abi', message: 'kernel follows the sc1 ABI, not wasi' } });
    const unknown = await run(
      assemble({ imports: [PROC_EXIT, ['wasi_snapshot_preview1', 'no_such_call', VOID]], body: [] }),
      'x',
    );
    expect(!unknown.ok && unknown.error.kind).toBe('abi');
  });
});
