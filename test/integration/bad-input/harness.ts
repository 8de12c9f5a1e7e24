// Shared setup of the bad-input tests (bad-input-*.test.ts): an in-process server (app.inject, no
// sockets) on an in-memory store with two publishers, a project each, a kernel, a batch of three
// units and three volunteers; and the helpers that send a request, sign it, and assert a refusal.
import type { FastifyInstance, InjectOptions } from 'fastify';
import { afterAll, beforeAll, expect } from 'vitest';
import { buildApp } from '../../../src/server/app.js';
import { createPublisherToken } from '../../../src/server/auth.js';
import type { SqlStore } from '../../../src/server/store/sql-store.js';
import { openTestStore, suiteBackend, type TestStore } from '../../helpers/backends.js';
import { tinyKernel } from '../../helpers/tiny-kernel.js';
import { keyPair, signBody, type KeyPair } from '../../helpers/volunteer-keys.js';
import { storeSnapshot } from '../../helpers/store-snapshot.js';

export const API = '/api/v1';

/** What beforeAll created; filled by useServer(). */
export const fixture = {
  tokenA: '',
  tokenB: '',
  projectA: '',
  projectB: '',
  kernel: '',
  /** Project A's batch: inputs 0, 1, 2, quorum 2, credit 5. */
  batchA: '',
  volunteers: [] as { id: string; secret: string; key: KeyPair['key'] }[],
};

let store: SqlStore;
let testStore: TestStore | undefined;
let app: FastifyInstance;

/** Every status code any request in this file received. */
export const seen: { status: number; what: string }[] = [];

export interface Reply {
  status: number;
  body: any;
  text: string;
}

type Request = InjectOptions & { url: string };

/** Result submissions carry the volunteer's signature of the exact body bytes. */
function signed(options: Request): Request {
  const headers = (options.headers ?? {}) as Record<string, string>;
  const signer = fixture.volunteers.find((v) => headers.authorization === `Bearer ${v.secret}`);
  const isResult = /\/results$|\/result$/.test(options.url);
  const payload = options.payload;
  if (!signer || !isResult || payload === undefined || typeof payload !== 'object' || Buffer.isBuffer(payload)) {
    return options;
  }
  if ('x-sc-signature' in headers) return options;
  const text = JSON.stringify(payload);
  return {
    ...options,
    payload: text,
    headers: { ...headers, 'content-type': 'application/json', 'x-sc-signature': signBody(signer.key, text) },
  };
}

export async function send(unsigned: Request): Promise<Reply> {
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

export const pub = (token: string) => ({ authorization: `Bearer ${token}` });
export const vol = (i: number) => ({ authorization: `Bearer ${fixture.volunteers[i]!.secret}` });
export const wasm = (token: string) => ({ ...pub(token), 'content-type': 'application/wasm' });
export const b64 = (text: string) => Buffer.from(text).toString('base64');

/** Every row of every table: equal snapshots mean the request wrote nothing. */
export const snapshot = () => storeSnapshot(store);

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
export async function refused(
  options: Request,
  status: number,
  code: string,
  message?: RegExp | string,
): Promise<Reply> {
  const before = await snapshot();
  const reply = await send(options);
  expectError(reply, status, code, message);
  expect(await snapshot()).toEqual(before);
  return reply;
}

/** The final check of each file: no request it sent got a 5xx (and it sent at least `atLeast`). */
export function expectNoServerErrors(atLeast: number): void {
  expect(seen.length).toBeGreaterThanOrEqual(atLeast);
  expect(seen.filter((s) => s.status >= 500)).toEqual([]);
}

/** Starts the server in beforeAll and stops it in afterAll. */
export function useServer(): void {
  beforeAll(async () => {
    testStore = await openTestStore(suiteBackend, { label: 'badinput' });
    store = testStore.store;
    app = await buildApp({ store });
    fixture.tokenA = await createPublisherToken(store, Date.now());
    fixture.tokenB = await createPublisherToken(store, Date.now());
    const { tokenA, tokenB } = fixture;
    const a = await send({ method: 'POST', url: `${API}/projects`, headers: pub(tokenA), payload: { name: 'Alpha' } });
    const b = await send({ method: 'POST', url: `${API}/projects`, headers: pub(tokenB), payload: { name: 'Beta' } });
    expect([a.status, b.status], a.text + b.text).toEqual([201, 201]);
    fixture.projectA = a.body.id;
    fixture.projectB = b.body.id;
    const k = await send({ method: 'POST', url: `${API}/kernels`, headers: wasm(tokenA), payload: tinyKernel() });
    expect(k.status, k.text).toBe(201);
    fixture.kernel = k.body.hash;
    const batch = await send({
      method: 'POST',
      url: `${API}/projects/${fixture.projectA}/batches`,
      headers: pub(tokenA),
      payload: { kernel: fixture.kernel, inputs: [0, 1, 2], quorum: 2, maxResults: 3, credit: 5 },
    });
    expect(batch.status, batch.text).toBe(201);
    fixture.batchA = batch.body.batch;
    for (let i = 0; i < 3; i++) {
      const { key, publicKey } = keyPair();
      const v = await send({ method: 'POST', url: `${API}/volunteers`, payload: { publicKey } });
      expect(v.status, v.text).toBe(201);
      fixture.volunteers.push({ id: v.body.volunteer, secret: v.body.secret, key });
    }
  });

  afterAll(async () => {
    await app?.close();
    await testStore?.close();
  });
}
