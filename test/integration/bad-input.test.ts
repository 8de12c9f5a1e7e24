// Bad input never gets a 5xx, never a crash, never a partial write (DESIGN.md, Invariants).
// Each case sends one bad request to an in-process server (app.inject, no sockets) and asserts
// the status, the stable error code, a one-line message, and that no table changed.
import { generateKeyPairSync, sign, type KeyObject } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { FastifyInstance, InjectOptions } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/server/app.js';
import { createPublisherToken } from '../../src/server/auth.js';
import { SqliteStore } from '../../src/server/store/sqlite-store.js';

const ROOT = join(import.meta.dirname, '..', '..');
const API = '/api/v1';
const NOT_WASM_FILE = join(ROOT, 'test', 'fixtures', 'not-wasm.bin');
const BAD_IMPORT_FILE = join(ROOT, 'dist', 'test-kernels', 'bad-import.wasm');

/** The smallest sc1 kernel: exports memory, alloc, run, output_ptr, output_len; every function returns `body`. */
function tinyKernel(body = 0): Buffer {
  const fn = [0x04, 0x00, 0x41, body, 0x0b]; // size 4, no locals, i32.const body, end
  const name = (s: string) => [s.length, ...Buffer.from(s)];
  const exports = [
    0x05,
    ...name('memory'),
    0x02,
    0x00,
    ...name('alloc'),
    0x00,
    0x00,
    ...name('run'),
    0x00,
    0x01,
    ...name('output_ptr'),
    0x00,
    0x02,
    ...name('output_len'),
    0x00,
    0x03,
  ];
  return Buffer.from([
    ...[0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00],
    ...[0x01, 0x10, 0x03, 0x60, 0x01, 0x7f, 0x01, 0x7f, 0x60, 0x02, 0x7f, 0x7f, 0x01, 0x7f, 0x60, 0x00, 0x01, 0x7f],
    ...[0x03, 0x05, 0x04, 0x00, 0x01, 0x02, 0x02],
    ...[0x05, 0x03, 0x01, 0x00, 0x01],
    ...[0x07, exports.length, ...exports],
    ...[0x0a, 0x15, 0x04, ...fn, ...fn, ...fn, ...fn],
  ]);
}

let store: SqliteStore;
let app: FastifyInstance;
let tokenA = '';
let tokenB = '';
let projectA = '';
let projectB = '';
let kernel = '';
let batchA = '';
const volunteers: { id: string; secret: string; key: KeyObject }[] = [];

/** A fresh ECDSA P-256 key pair: the private key and the SPKI public key in base64. */
function volunteerKeys(): { key: KeyObject; publicKey: string } {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
  return { key: privateKey, publicKey: publicKey.export({ type: 'spki', format: 'der' }).toString('base64') };
}

/** Result submissions carry the volunteer's signature of the exact body bytes. */
function signed(options: InjectOptions & { url: string }): InjectOptions & { url: string } {
  const headers = (options.headers ?? {}) as Record<string, string>;
  const signer = volunteers.find((v) => headers.authorization === `Bearer ${v.secret}`);
  const isResult = /\/results$|\/result$/.test(options.url);
  const payload = options.payload;
  if (!signer || !isResult || payload === undefined || typeof payload !== 'object' || Buffer.isBuffer(payload)) {
    return options;
  }
  if ('x-sc-signature' in headers) return options;
  const text = JSON.stringify(payload);
  const signature = sign('sha256', Buffer.from(text), { key: signer.key, dsaEncoding: 'ieee-p1363' }).toString(
    'base64',
  );
  return {
    ...options,
    payload: text,
    headers: { ...headers, 'content-type': 'application/json', 'x-sc-signature': signature },
  };
}
/** Every status code any request in this file received. */
const seen: { status: number; what: string }[] = [];

interface Reply {
  status: number;
  body: any;
  text: string;
}

async function send(unsigned: InjectOptions & { url: string }): Promise<Reply> {
  const options = signed(unsigned);
  const response = await app.inject(options);
  seen.push({ status: response.statusCode, what: `${options.method ?? 'GET'} ${options.url}` });
  let body: unknown;
  try {
    body = response.json();
  } catch {
    body = undefined;
  }
  return { status: response.statusCode, body, text: response.body };
}

const pub = (token: string) => ({ authorization: `Bearer ${token}` });
const vol = (i: number) => ({ authorization: `Bearer ${volunteers[i]!.secret}` });
const wasm = (token: string) => ({ ...pub(token), 'content-type': 'application/wasm' });
const b64 = (text: string) => Buffer.from(text).toString('base64');

/** Every row of every table: equal snapshots mean the request wrote nothing. */
function snapshot(): Record<string, unknown[]> {
  const db = (store as unknown as { db?: { prepare(sql: string): { all(): unknown[] } } }).db;
  if (!db) throw new Error('SqliteStore no longer exposes its database as `.db`; update snapshot() in this test');
  const tables = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").all() as {
    name: string;
  }[];
  return Object.fromEntries(
    tables.map(({ name }) => [name, db.prepare(`SELECT * FROM "${name}" ORDER BY rowid`).all()]),
  );
}

function expectError(reply: Reply, status: number, code: string, message?: RegExp | string): void {
  expect(reply.status, reply.text).toBe(status);
  expect(reply.body?.error?.code, reply.text).toBe(code);
  const text = reply.body.error.message as string;
  expect(typeof text).toBe('string');
  expect(text.length).toBeGreaterThan(0);
  expect(text).not.toMatch(/[\r\n]/);
  expect(text).not.toMatch(/\bat \S+ \(/); // no stack frames
  if (message !== undefined) expect(text).toMatch(message);
}

/** Sends a request that must be refused with `status`/`code` and must leave every table as it was. */
async function refused(
  options: InjectOptions & { url: string },
  status: number,
  code: string,
  message?: RegExp | string,
): Promise<Reply> {
  const before = snapshot();
  const reply = await send(options);
  expectError(reply, status, code, message);
  expect(snapshot()).toEqual(before);
  return reply;
}

async function projectIds(): Promise<string[]> {
  const reply = await send({ method: 'GET', url: `${API}/projects` });
  expect(reply.status).toBe(200);
  return (reply.body.projects as { id: string }[]).map((p) => p.id).sort();
}

async function credit(i: number): Promise<number> {
  const reply = await send({ method: 'GET', url: `${API}/volunteers/me`, headers: vol(i) });
  expect(reply.status).toBe(200);
  return reply.body.credit as number;
}

beforeAll(async () => {
  store = new SqliteStore(':memory:');
  app = await buildApp({ store });
  tokenA = await createPublisherToken(store, Date.now());
  tokenB = await createPublisherToken(store, Date.now());
  const a = await send({ method: 'POST', url: `${API}/projects`, headers: pub(tokenA), payload: { name: 'Alpha' } });
  const b = await send({ method: 'POST', url: `${API}/projects`, headers: pub(tokenB), payload: { name: 'Beta' } });
  expect([a.status, b.status], a.text + b.text).toEqual([201, 201]);
  projectA = a.body.id;
  projectB = b.body.id;
  const k = await send({ method: 'POST', url: `${API}/kernels`, headers: wasm(tokenA), payload: tinyKernel() });
  expect(k.status, k.text).toBe(201);
  kernel = k.body.hash;
  const batch = await send({
    method: 'POST',
    url: `${API}/projects/${projectA}/batches`,
    headers: pub(tokenA),
    payload: { kernel, inputs: [0, 1, 2], quorum: 2, maxResults: 3, credit: 5 },
  });
  expect(batch.status, batch.text).toBe(201);
  batchA = batch.body.batch;
  for (let i = 0; i < 3; i++) {
    const { key, publicKey } = volunteerKeys();
    const v = await send({ method: 'POST', url: `${API}/volunteers`, payload: { publicKey } });
    expect(v.status, v.text).toBe(201);
    volunteers.push({ id: v.body.volunteer, secret: v.body.secret, key });
  }
});

afterAll(async () => {
  await app?.close();
  await store?.close();
});

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

describe('project creation', () => {
  const post = (payload: unknown, headers: Record<string, string> = pub(tokenA)) =>
    ({
      method: 'POST',
      url: `${API}/projects`,
      headers: { 'content-type': 'application/json', ...headers },
      payload: typeof payload === 'string' ? payload : JSON.stringify(payload),
    }) as const;

  it('needs a token', async () => {
    const before = await projectIds();
    await refused(post({ name: 'x' }, {}), 401, 'SC_TOKEN_MISSING');
    await refused(post({ name: 'x' }, pub('scp_nope')), 401, 'SC_TOKEN_INVALID');
    expect(await projectIds()).toEqual(before);
  });

  it('refuses malformed JSON and an empty JSON body with 400', async () => {
    await refused(post('{"name": "x"'), 400, 'SC_BAD_REQUEST', /JSON/);
    await refused(post(''), 400, 'SC_BAD_REQUEST');
  });

  it('refuses schema violations with 400 SC_BAD_REQUEST', async () => {
    const before = await projectIds();
    await refused(post({}), 400, 'SC_BAD_REQUEST', /name/);
    await refused(post({ name: '   ' }), 400, 'SC_BAD_REQUEST', /name/);
    await refused(post({ name: 'x'.repeat(101) }), 400, 'SC_BAD_REQUEST', /name/);
    await refused(post({ name: { first: 'x' } }), 400, 'SC_BAD_REQUEST', /name/);
    await refused(post('"just a string"'), 400, 'SC_BAD_REQUEST');
    expect(await projectIds()).toEqual(before);
  });

  it('refuses extra fields with 400 (additionalProperties: false)', async () => {
    const before = await projectIds();
    await refused(post({ name: 'extra', owner: 'someone-else' }), 400, 'SC_BAD_REQUEST', /owner|additional/);
    expect(await projectIds()).toEqual(before);
  });
});

describe('publishing a batch', () => {
  const publish = (payload: unknown, project = projectA, token = tokenA) =>
    ({
      method: 'POST',
      url: `${API}/projects/${project}/batches`,
      headers: { ...pub(token), 'content-type': 'application/json' },
      payload: typeof payload === 'string' ? payload : JSON.stringify(payload),
    }) as const;

  it('needs a token', async () => {
    await refused(
      { ...publish({ kernel, inputs: [1] }), headers: { 'content-type': 'application/json' } },
      401,
      'SC_TOKEN_MISSING',
    );
    await refused(publish({ kernel, inputs: [1] }, projectA, 'scp_nope'), 401, 'SC_TOKEN_INVALID');
  });

  it("refuses another publisher's project with 403 SC_FORBIDDEN", async () => {
    await refused(publish({ kernel, inputs: [1] }, projectB, tokenA), 403, 'SC_FORBIDDEN', new RegExp(projectB));
    await refused(publish({ kernel, inputs: [1] }, projectA, tokenB), 403, 'SC_FORBIDDEN', new RegExp(projectA));
  });

  it('answers an unknown project or kernel with 404', async () => {
    await refused(publish({ kernel, inputs: [1] }, 'no-such-project'), 404, 'SC_PROJECT_UNKNOWN', /no-such-project/);
    await refused(publish({ kernel: 'f'.repeat(64), inputs: [1] }), 404, 'SC_KERNEL_UNKNOWN', /f{64}/);
  });

  it('refuses malformed JSON with 400 and a non-JSON content type with 415', async () => {
    await refused(publish(`{"kernel":"${kernel}","inputs":[1,]}`), 400, 'SC_BAD_REQUEST', /JSON/);
    await refused(
      { ...publish('<batch/>'), headers: { ...pub(tokenA), 'content-type': 'application/xml' } },
      415,
      'SC_UNSUPPORTED_MEDIA',
    );
  });

  it('refuses schema violations with 400 SC_BAD_REQUEST', async () => {
    const cases: [unknown, RegExp][] = [
      [{ inputs: [1] }, /kernel/],
      [{ kernel }, /inputs/],
      [{ kernel, inputs: [] }, /inputs/],
      [{ kernel: 'ABC', inputs: [1] }, /kernel/],
      [{ kernel, inputs: [1], quorum: 0 }, /quorum/],
      [{ kernel, inputs: [1], quorum: 1.5 }, /quorum/],
      [{ kernel, inputs: [1], maxResults: 65 }, /maxResults/],
      [{ kernel, inputs: [1], credit: 0 }, /credit/],
      [{ kernel, inputs: [1], validator: 'close-enough' }, /validator/],
      [{ kernel, inputs: [1], encoding: 'hex' }, /encoding/],
      [{ kernel, inputs: [1], tolerance: 2 }, /tolerance/],
      [{ kernel, inputs: [1], deadlineSeconds: -5 }, /deadlineSeconds/],
    ];
    for (const [payload, message] of cases) await refused(publish(payload), 400, 'SC_BAD_REQUEST', message);
  });

  it('refuses maxResults below quorum, and maxRunSeconds above deadlineSeconds', async () => {
    await refused(publish({ kernel, inputs: [1], quorum: 3, maxResults: 2 }), 400, 'SC_BAD_REQUEST', /maxResults/);
    await refused(
      publish({ kernel, inputs: [1], deadlineSeconds: 60, maxRunSeconds: 120 }),
      400,
      'SC_BAD_REQUEST',
      /maxRunSeconds/,
    );
  });

  it('refuses extra fields with 400 (additionalProperties: false)', async () => {
    await refused(publish({ kernel, inputs: [1], priority: 'high' }), 400, 'SC_BAD_REQUEST', /priority|additional/);
  });

  it('refuses inputs that are not an array with 400 (no type coercion)', async () => {
    await refused(publish({ kernel, inputs: 'one input' }), 400, 'SC_BAD_REQUEST', /inputs/);
  });

  it('refuses a non-base64 input under encoding base64 with 422 SC_INPUT_INVALID, naming the input', async () => {
    await refused(
      publish({ kernel, inputs: [b64('ok'), 'not base64!', b64('ok')], encoding: 'base64' }),
      422,
      'SC_INPUT_INVALID',
      /input 1\b/,
    );
    await refused(
      publish({ kernel, inputs: [b64('ok'), 42], encoding: 'base64' }),
      422,
      'SC_INPUT_INVALID',
      /input 1\b/,
    );
  });

  it('refuses an input over 1 MiB with 422 SC_INPUT_INVALID', async () => {
    await refused(publish({ kernel, inputs: [1, 'x'.repeat(1024 * 1024)] }), 422, 'SC_INPUT_INVALID', /input 1\b/);
  });

  it('refuses a publish body over 64 MiB with 413 SC_BODY_TOO_LARGE', async () => {
    const head = `{"kernel":"${kernel}","inputs":["`;
    const tail = '"]}';
    const payload = head + 'x'.repeat(64 * 1024 * 1024 + 1 - head.length - tail.length) + tail;
    expect(Buffer.byteLength(payload)).toBe(64 * 1024 * 1024 + 1);
    await refused(publish(payload), 413, 'SC_BODY_TOO_LARGE', /67108864/);
  });
});

describe('batches', () => {
  it('answers an unknown batch with 404 SC_BATCH_UNKNOWN', async () => {
    await refused({ method: 'GET', url: `${API}/batches/b_nope`, headers: pub(tokenA) }, 404, 'SC_BATCH_UNKNOWN');
    await refused(
      { method: 'GET', url: `${API}/batches/b_nope/results`, headers: pub(tokenA) },
      404,
      'SC_BATCH_UNKNOWN',
    );
  });

  it("refuses another publisher's batch with 403 SC_FORBIDDEN", async () => {
    await refused({ method: 'GET', url: `${API}/batches/${batchA}`, headers: pub(tokenB) }, 403, 'SC_FORBIDDEN');
    await refused(
      { method: 'GET', url: `${API}/batches/${batchA}/results`, headers: pub(tokenB) },
      403,
      'SC_FORBIDDEN',
    );
  });

  it('needs a token', async () => {
    await refused({ method: 'GET', url: `${API}/batches/${batchA}` }, 401, 'SC_TOKEN_MISSING');
    await refused(
      { method: 'GET', url: `${API}/batches/${batchA}/results`, headers: pub('scp_x') },
      401,
      'SC_TOKEN_INVALID',
    );
  });
});

describe('volunteer credentials', () => {
  const routes = [
    { method: 'GET', url: `${API}/volunteers/me` },
    { method: 'POST', url: `${API}/lease`, payload: { max: 1 } },
    { method: 'POST', url: `${API}/results`, payload: { results: [{ lease: 'x', output: b64('1') }] } },
    { method: 'PUT', url: `${API}/leases/x/result`, payload: { output: b64('1') } },
  ] as const;

  it('refuses every volunteer route without a secret (401 SC_VOLUNTEER_MISSING)', async () => {
    for (const route of routes) await refused({ ...route }, 401, 'SC_VOLUNTEER_MISSING');
  });

  it('refuses every volunteer route with a bad secret or a publisher token (401 SC_VOLUNTEER_INVALID)', async () => {
    for (const route of routes) {
      for (const authorization of ['Bearer scv_wrong', `Bearer ${tokenA}`, 'Bearer ']) {
        await refused({ ...route, headers: { authorization } }, 401, 'SC_VOLUNTEER_INVALID');
      }
    }
  });

  it('refuses a registration with an oversized name', async () => {
    await refused(
      {
        method: 'POST',
        url: `${API}/volunteers`,
        payload: { publicKey: volunteerKeys().publicKey, name: 'n'.repeat(41) },
      },
      400,
      'SC_BAD_REQUEST',
    );
  });

  it('refuses a registration with extra fields (additionalProperties: false)', async () => {
    await refused(
      { method: 'POST', url: `${API}/volunteers`, payload: { publicKey: volunteerKeys().publicKey, email: 'a@b.c' } },
      400,
      'SC_BAD_REQUEST',
    );
  });

  it('refuses a registration without a public key, or with one that is not ECDSA P-256', async () => {
    await refused({ method: 'POST', url: `${API}/volunteers`, payload: {} }, 400, 'SC_BAD_REQUEST', /publicKey/);
    await refused(
      { method: 'POST', url: `${API}/volunteers`, payload: { publicKey: 'A'.repeat(120) } },
      400,
      'SC_KEY_INVALID',
    );
    const rsa = generateKeyPairSync('rsa', { modulusLength: 1024 }).publicKey.export({ type: 'spki', format: 'der' });
    await refused(
      { method: 'POST', url: `${API}/volunteers`, payload: { publicKey: rsa.toString('base64').slice(0, 400) } },
      400,
      'SC_KEY_INVALID',
    );
  });
});

describe('signed submissions', () => {
  it('refuses results without a signature or signed by another key (401 SC_SIGNATURE_INVALID)', async () => {
    const payload = { results: [{ lease: 'whatever', output: b64('1') }] };
    await refused(
      { method: 'POST', url: `${API}/results`, headers: { ...vol(0), 'x-sc-signature': '' }, payload },
      401,
      'SC_SIGNATURE_INVALID',
    );
    const text = JSON.stringify(payload);
    const forged = sign('sha256', Buffer.from(text), { key: volunteers[1]!.key, dsaEncoding: 'ieee-p1363' });
    await refused(
      {
        method: 'POST',
        url: `${API}/results`,
        headers: { ...vol(0), 'content-type': 'application/json', 'x-sc-signature': forged.toString('base64') },
        payload: text,
      },
      401,
      'SC_SIGNATURE_INVALID',
    );
    // a valid signature over different bytes: the body was altered in transit
    const signature = sign('sha256', Buffer.from(text), { key: volunteers[0]!.key, dsaEncoding: 'ieee-p1363' });
    await refused(
      {
        method: 'POST',
        url: `${API}/results`,
        headers: { ...vol(0), 'content-type': 'application/json', 'x-sc-signature': signature.toString('base64') },
        payload: text.replace('whatever', 'whatevex'),
      },
      401,
      'SC_SIGNATURE_INVALID',
    );
  });
});

describe('leasing', () => {
  it('refuses max 0, max over 256 and a missing max with 400, leasing nothing', async () => {
    for (const payload of [{ max: 0 }, { max: 257 }, {}, { max: 1, projects: [''] }]) {
      await refused(
        { method: 'POST', url: `${API}/lease`, headers: vol(0), payload },
        400,
        'SC_BAD_REQUEST',
        /max|projects/,
      );
    }
  });
});

describe('returning results', () => {
  // unit index → lease id, for volunteers 0 and 1 (quorum 2: each gets one replica of each unit)
  const leases: Record<number, string>[] = [{}, {}];

  beforeAll(async () => {
    for (const i of [0, 1]) {
      const reply = await send({ method: 'POST', url: `${API}/lease`, headers: vol(i), payload: { max: 10 } });
      expect(reply.status, reply.text).toBe(200);
      for (const lease of reply.body.leases as { lease: string; batch: string; input: string }[]) {
        if (lease.batch !== batchA) continue; // only if a refused publish wrongly created a batch
        leases[i]![Number(Buffer.from(lease.input, 'base64').toString())] = lease.lease;
      }
    }
    expect(Object.keys(leases[0]!)).toHaveLength(3);
    expect(Object.keys(leases[1]!)).toHaveLength(3);
  });

  const submit = (i: number, results: unknown[]) =>
    send({ method: 'POST', url: `${API}/results`, headers: vol(i), payload: { results } });
  const put = (i: number, lease: string, payload: unknown) =>
    send({ method: 'PUT', url: `${API}/leases/${lease}/result`, headers: vol(i), payload: payload as object });

  it('acks an unknown lease as rejected SC_LEASE_UNKNOWN (POST /results) and 404 (PUT)', async () => {
    const before = snapshot();
    const reply = await submit(0, [{ lease: 'no-such-lease', output: b64('1') }]);
    expect(reply.status, reply.text).toBe(200);
    expect(reply.body.acks).toEqual([
      { lease: 'no-such-lease', outcome: 'rejected', code: 'SC_LEASE_UNKNOWN', message: expect.any(String) },
    ]);
    expect(snapshot()).toEqual(before);
    await refused(
      { method: 'PUT', url: `${API}/leases/no-such-lease/result`, headers: vol(0), payload: { output: b64('1') } },
      404,
      'SC_LEASE_UNKNOWN',
      /no-such-lease/,
    );
  });

  it("refuses another volunteer's lease: rejected SC_LEASE_NOT_YOURS (POST) and 403 (PUT)", async () => {
    const theirs = leases[0]![2]!;
    const before = snapshot();
    const reply = await submit(2, [{ lease: theirs, output: b64('2') }]);
    expect(reply.status, reply.text).toBe(200);
    expect(reply.body.acks).toEqual([
      { lease: theirs, outcome: 'rejected', code: 'SC_LEASE_NOT_YOURS', message: expect.any(String) },
    ]);
    expect(snapshot()).toEqual(before);
    await refused(
      { method: 'PUT', url: `${API}/leases/${theirs}/result`, headers: vol(1), payload: { output: b64('2') } },
      403,
      'SC_LEASE_NOT_YOURS',
    );
  });

  it('refuses a result with both output and error, or neither, with 400', async () => {
    const lease = leases[0]![2]!;
    const base = { method: 'POST', url: `${API}/results`, headers: vol(0) } as const;
    await refused(
      { ...base, payload: { results: [{ lease, output: b64('2'), error: 'boom' }] } },
      400,
      'SC_BAD_REQUEST',
      /exactly one of/,
    );
    await refused({ ...base, payload: { results: [{ lease }] } }, 400, 'SC_BAD_REQUEST', /exactly one of/);
    await refused(
      {
        method: 'PUT',
        url: `${API}/leases/${lease}/result`,
        headers: vol(0),
        payload: { output: b64('2'), error: 'x' },
      },
      400,
      'SC_BAD_REQUEST',
      /exactly one of/,
    );
  });

  it('refuses the whole submission when one item is bad (no partial write)', async () => {
    await refused(
      {
        method: 'POST',
        url: `${API}/results`,
        headers: vol(0),
        payload: {
          results: [
            { lease: leases[0]![2]!, output: b64('2') },
            { lease: leases[0]![1]!, output: '%%%' },
          ],
        },
      },
      400,
      'SC_BAD_REQUEST',
      /results\/1/,
    );
  });

  it('refuses malformed submissions with 400', async () => {
    const base = { method: 'POST', url: `${API}/results`, headers: vol(0) } as const;
    const lease = leases[0]![2]!;
    await refused({ ...base, payload: { results: [] } }, 400, 'SC_BAD_REQUEST', /results/);
    await refused({ ...base, payload: {} }, 400, 'SC_BAD_REQUEST', /results/);
    await refused({ ...base, payload: { results: [{ lease: '', output: b64('2') }] } }, 400, 'SC_BAD_REQUEST');
    await refused(
      { ...base, payload: { results: [{ lease, output: b64('2'), elapsedMs: -1 }] } },
      400,
      'SC_BAD_REQUEST',
    );
    await refused(
      { ...base, payload: { results: Array.from({ length: 257 }, () => ({ lease, output: b64('2') })) } },
      400,
      'SC_BAD_REQUEST',
    );
    await refused(
      { ...base, headers: { ...vol(0), 'content-type': 'application/json' }, payload: '{"results":[' },
      400,
      'SC_BAD_REQUEST',
      /JSON/,
    );
  });

  it('refuses a result item with extra fields with 400 (additionalProperties: false)', async () => {
    const lease = leases[0]![2]!;
    await refused(
      {
        method: 'POST',
        url: `${API}/results`,
        headers: vol(0),
        payload: { results: [{ lease, output: b64('2'), cpu: 'fast' }] },
      },
      400,
      'SC_BAD_REQUEST',
      /cpu|additional/,
    );
  });

  it('acks an identical resend as "duplicate" and leaves credit unchanged', async () => {
    const [mine, theirs] = [leases[0]![0]!, leases[1]![0]!];
    expect((await submit(0, [{ lease: mine, output: b64('"zero"') }])).body.acks).toEqual([
      { lease: mine, outcome: 'accepted' },
    ]);
    let before = snapshot();
    expect((await submit(0, [{ lease: mine, output: b64('"zero"') }])).body.acks).toEqual([
      { lease: mine, outcome: 'duplicate' },
    ]);
    expect(snapshot()).toEqual(before);

    // the second replica agrees: the unit is validated and both volunteers are credited once
    expect((await submit(1, [{ lease: theirs, output: b64('"zero"') }])).body.acks).toEqual([
      { lease: theirs, outcome: 'accepted' },
    ]);
    expect([await credit(0), await credit(1)]).toEqual([5, 5]);

    before = snapshot();
    expect((await submit(0, [{ lease: mine, output: b64('"zero"') }])).body.acks).toEqual([
      { lease: mine, outcome: 'duplicate' },
    ]);
    const again = await put(1, theirs, { output: b64('"zero"') });
    expect(again.status, again.text).toBe(200);
    expect(again.body).toEqual({ lease: theirs, outcome: 'duplicate' });
    expect(snapshot()).toEqual(before);
    expect([await credit(0), await credit(1)]).toEqual([5, 5]);
  });

  it('refuses a different result for a returned lease: rejected SC_LEASE_SUPERSEDED (POST) and 409 (PUT)', async () => {
    const mine = leases[0]![0]!;
    const before = snapshot();
    const reply = await submit(0, [{ lease: mine, output: b64('"something else"') }]);
    expect(reply.status, reply.text).toBe(200);
    expect(reply.body.acks).toEqual([
      { lease: mine, outcome: 'rejected', code: 'SC_LEASE_SUPERSEDED', message: expect.any(String) },
    ]);
    expect(snapshot()).toEqual(before);
    await refused(
      { method: 'PUT', url: `${API}/leases/${mine}/result`, headers: vol(0), payload: { output: b64('"other"') } },
      409,
      'SC_LEASE_SUPERSEDED',
    );
    await refused(
      { method: 'PUT', url: `${API}/leases/${mine}/result`, headers: vol(0), payload: { error: 'trap' } },
      409,
      'SC_LEASE_SUPERSEDED',
    );
    expect(await credit(0)).toBe(5);
  });

  it('treats a returned kernel error the same way: same error is a duplicate, another one supersedes', async () => {
    const lease = leases[0]![1]!;
    expect((await put(0, lease, { error: 'unreachable executed' })).body).toEqual({ lease, outcome: 'accepted' });
    const before = snapshot();
    expect((await submit(0, [{ lease, error: 'unreachable executed' }])).body.acks).toEqual([
      { lease, outcome: 'duplicate' },
    ]);
    expect(snapshot()).toEqual(before);
    await refused(
      { method: 'PUT', url: `${API}/leases/${lease}/result`, headers: vol(0), payload: { error: 'out of memory' } },
      409,
      'SC_LEASE_SUPERSEDED',
    );
    await refused(
      { method: 'PUT', url: `${API}/leases/${lease}/result`, headers: vol(0), payload: { output: b64('1') } },
      409,
      'SC_LEASE_SUPERSEDED',
    );
  });
});

describe('routing', () => {
  it('answers an unknown route with 404 SC_NOT_FOUND', async () => {
    await refused({ method: 'GET', url: `${API}/nope` }, 404, 'SC_NOT_FOUND', /nope/);
    await refused({ method: 'DELETE', url: `${API}/projects/${projectA}` }, 404, 'SC_NOT_FOUND');
    await refused({ method: 'GET', url: `${API}/batches` }, 404, 'SC_NOT_FOUND');
    await refused({ method: 'GET', url: '/no/such/page' }, 404, 'SC_NOT_FOUND');
  });
});

describe('every response above', () => {
  it('was below 500', () => {
    expect(seen.length).toBeGreaterThan(100);
    expect(seen.filter((s) => s.status >= 500)).toEqual([]);
  });
});
