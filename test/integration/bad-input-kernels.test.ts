// Bad input never gets a 5xx, never a crash, never a partial write (DESIGN.md, Invariants): kernel
// uploads and lookups. Each case sends one bad request to an in-process server and asserts the
// status, the stable error code, a one-line message, and that no table changed.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { tinyKernel } from '../helpers/tiny-kernel.js';
import { API, b64, expectNoServerErrors, fixture, pub, refused, useServer, wasm } from './bad-input/harness.js';

const ROOT = join(import.meta.dirname, '..', '..');
const NOT_WASM_FILE = join(ROOT, 'test', 'fixtures', 'not-wasm.bin');
const BAD_IMPORT_FILE = join(ROOT, 'dist', 'test-kernels', 'bad-import.wasm');

useServer();
let tokenA: string;
let volunteers: typeof fixture.volunteers;
beforeAll(() => ({ tokenA, volunteers } = fixture));

describe('kernel upload', () => {
  it('refuses bytes that are not WebAssembly with 422 SC_KERNEL_INVALID', async () => {
    const bytes = existsSync(NOT_WASM_FILE) ? readFileSync(NOT_WASM_FILE) : Buffer.from('this is not a wasm module');
    await refused(
      { method: 'POST', url: `${API}/kernels`, headers: wasm(tokenA), payload: bytes },
      422,
      'SC_KERNEL_INVALID',
      /not a WebAssembly module/,
    );
  });

  it('refuses a valid module that imports outside the sc1 ABI, naming the import', async (ctx) => {
    if (!existsSync(BAD_IMPORT_FILE)) {
      ctx.skip(`${BAD_IMPORT_FILE} is missing: run \`npm run build\` to build the test kernels`);
    }
    const bytes = readFileSync(BAD_IMPORT_FILE);
    expect(WebAssembly.validate(new Uint8Array(bytes))).toBe(true);
    await refused(
      { method: 'POST', url: `${API}/kernels`, headers: wasm(tokenA), payload: bytes },
      422,
      'SC_KERNEL_INVALID',
      /env\.now/,
    );
  });

  it('refuses a module that fails WebAssembly validation', async () => {
    const broken = Buffer.concat([tinyKernel().subarray(0, 8), Buffer.from([0x01, 0xff, 0xff])]);
    await refused(
      { method: 'POST', url: `${API}/kernels`, headers: wasm(tokenA), payload: broken },
      422,
      'SC_KERNEL_INVALID',
      /fails WebAssembly validation/,
    );
  });

  it('refuses a module without the sc1 exports, naming the missing export', async () => {
    const empty = tinyKernel().subarray(0, 8); // magic + version: a valid, empty module
    expect(WebAssembly.validate(new Uint8Array(empty))).toBe(true);
    await refused(
      { method: 'POST', url: `${API}/kernels`, headers: wasm(tokenA), payload: empty },
      422,
      'SC_KERNEL_INVALID',
      /"memory"/,
    );
  });

  it('refuses an empty upload', async () => {
    await refused(
      { method: 'POST', url: `${API}/kernels`, headers: wasm(tokenA), payload: Buffer.alloc(0) },
      422,
      'SC_KERNEL_INVALID',
      /empty/,
    );
  });

  it('refuses a kernel sent with the wrong content type with 415', async () => {
    const bytes = tinyKernel(1);
    for (const contentType of ['application/json', 'text/plain', 'image/png']) {
      const payload = contentType === 'application/json' ? JSON.stringify({ wasm: b64('x') }) : bytes;
      await refused(
        {
          method: 'POST',
          url: `${API}/kernels`,
          headers: { ...pub(tokenA), 'content-type': contentType },
          payload,
        },
        415,
        'SC_UNSUPPORTED_MEDIA',
      );
    }
    await refused({ method: 'POST', url: `${API}/kernels`, headers: pub(tokenA) }, 415, 'SC_UNSUPPORTED_MEDIA');
  });

  it('refuses a kernel over 8 MiB with 413 SC_BODY_TOO_LARGE', async () => {
    const big = Buffer.alloc(8 * 1024 * 1024 + 1);
    tinyKernel().copy(big);
    await refused(
      { method: 'POST', url: `${API}/kernels`, headers: wasm(tokenA), payload: big },
      413,
      'SC_BODY_TOO_LARGE',
      /8388608/,
    );
  });

  it('needs a publisher token: missing → SC_TOKEN_MISSING, wrong → SC_TOKEN_INVALID', async () => {
    const payload = tinyKernel(2);
    await refused(
      { method: 'POST', url: `${API}/kernels`, headers: { 'content-type': 'application/wasm' }, payload },
      401,
      'SC_TOKEN_MISSING',
    );
    for (const authorization of [
      'Bearer scp_wrong',
      'Bearer ',
      'Basic dXNlcjpwYXNz',
      `Bearer ${volunteers[0]!.secret}`,
    ]) {
      await refused(
        {
          method: 'POST',
          url: `${API}/kernels`,
          headers: { authorization, 'content-type': 'application/wasm' },
          payload,
        },
        401,
        'SC_TOKEN_INVALID',
      );
    }
  });

  it('answers an unknown or malformed kernel id with 404 SC_KERNEL_UNKNOWN', async () => {
    await refused({ method: 'GET', url: `${API}/kernels/${'0'.repeat(64)}` }, 404, 'SC_KERNEL_UNKNOWN');
    await refused({ method: 'GET', url: `${API}/kernels/not-a-hash` }, 404, 'SC_KERNEL_UNKNOWN');
  });
});

describe('every response above', () => {
  it('was below 500', () => {
    expectNoServerErrors(20);
  });
});
