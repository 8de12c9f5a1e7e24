// The batch lifecycle routes on bad input: an append to a closed, cancelled, unknown or
// another lead's batch, a chunk that leaves a gap, bad bodies and queries, a resumed publish
// that differs from the batch it names. Each is refused with its code and writes nothing.
import { beforeAll, describe, expect, it } from 'vitest';
import { API, expectNoServerErrors, fixture, pub, refused, send, useServer } from './bad-input/harness.js';

useServer();
let tokenA: string;
let tokenB: string;
let projectA: string;
let kernel: string;
beforeAll(() => ({ tokenA, tokenB, projectA, kernel } = fixture));

const json = (token: string) => ({ ...pub(token), 'content-type': 'application/json' });
const post = (url: string, payload: unknown, token = tokenA) =>
  ({ method: 'POST', url: `${API}${url}`, headers: json(token), payload: JSON.stringify(payload) }) as const;

async function openBatch(extra: Record<string, unknown> = {}): Promise<string> {
  const reply = await send(post(`/projects/${projectA}/batches`, { kernel, inputs: [0, 1], open: true, ...extra }));
  expect(reply.status, reply.text).toBe(201);
  expect(reply.body).toMatchObject({ units: 2, state: 'open' });
  return reply.body.batch as string;
}

describe('appending to a batch', () => {
  it('takes chunks in order, and a repeated chunk adds nothing', async () => {
    const batch = await openBatch();
    const a = await send(post(`/batches/${batch}/units`, { offset: 2, inputs: [2, 3] }));
    expect([a.status, a.body]).toEqual([200, { batch, units: 4, added: 2 }]);
    const again = await send(post(`/batches/${batch}/units`, { offset: 2, inputs: [2, 3] }));
    expect(again.body).toEqual({ batch, units: 4, added: 0 });
    await refused(post(`/batches/${batch}/units`, { offset: 9, inputs: [9] }), 409, 'SC_BATCH_OFFSET', /offset 9/);
  });

  it('refuses a closed batch, a cancelled one, an unknown one and another lead’s', async () => {
    const closed = await openBatch();
    expect((await send(post(`/batches/${closed}/close`, {}))).body).toMatchObject({ state: 'closed', total: 2 });
    await refused(post(`/batches/${closed}/units`, { offset: 2, inputs: [2] }), 409, 'SC_BATCH_CLOSED');
    const cancelled = await openBatch();
    expect((await send(post(`/batches/${cancelled}/cancel`, {}))).body).toMatchObject({ state: 'cancelled' });
    await refused(post(`/batches/${cancelled}/units`, { offset: 2, inputs: [2] }), 409, 'SC_BATCH_CANCELLED');
    await refused(post(`/batches/b_nope/units`, { offset: 0, inputs: [1] }), 404, 'SC_BATCH_UNKNOWN');
    const mine = await openBatch();
    await refused(post(`/batches/${mine}/units`, { offset: 2, inputs: [2] }, tokenB), 403, 'SC_FORBIDDEN');
    await refused(post(`/batches/${mine}/close`, {}, tokenB), 403, 'SC_FORBIDDEN');
    await refused(post(`/batches/${mine}/cancel`, {}, tokenB), 403, 'SC_FORBIDDEN');
    await refused(post(`/batches/b_nope/cancel`, {}), 404, 'SC_BATCH_UNKNOWN');
    await refused({ method: 'POST', url: `${API}/batches/${mine}/cancel` }, 401, 'SC_TOKEN_MISSING');
  });

  it('refuses bad bodies with 400 or 422, naming the input by its place in the whole batch', async () => {
    const batch = await openBatch();
    const cases: [unknown, RegExp][] = [
      [{ inputs: [1] }, /offset/],
      [{ offset: 2 }, /inputs/],
      [{ offset: 2, inputs: [] }, /inputs/],
      [{ offset: -1, inputs: [1] }, /offset/],
      [{ offset: 1.5, inputs: [1] }, /offset/],
      [{ offset: 2, inputs: [1], encoding: 'hex' }, /encoding/],
      [{ offset: 2, inputs: [1], extra: true }, /extra/],
    ];
    for (const [payload, message] of cases)
      await refused(post(`/batches/${batch}/units`, payload), 400, 'SC_BAD_REQUEST', message);
    await refused(
      post(`/batches/${batch}/units`, { offset: 2, inputs: ['QUJD', 'not base64!'], encoding: 'base64' }),
      422,
      'SC_INPUT_INVALID',
      /input 3\b/,
    );
    await refused(post(`/batches/${batch}/close`, { now: true }), 400, 'SC_BAD_REQUEST', /now/);
    await refused(
      { method: 'GET', url: `${API}/batches/${batch}/results?order=random`, headers: pub(tokenA) },
      400,
      'SC_BAD_REQUEST',
      /order/,
    );
    await refused(
      { method: 'GET', url: `${API}/batches/${batch}/results?after=x`, headers: pub(tokenA) },
      400,
      'SC_BAD_REQUEST',
      /after/,
    );
  });
});

describe('publishing under a batch name', () => {
  it('resumes: the same inputs again add nothing, more inputs are appended in order', async () => {
    const first = await send(
      post(`/projects/${projectA}/batches`, { kernel, inputs: [0, 1, 2], name: 'resume-me', open: true }),
    );
    expect(first.status).toBe(201);
    const again = await send(
      post(`/projects/${projectA}/batches`, { kernel, inputs: [0, 1, 2, 3], name: 'resume-me' }),
    );
    expect([again.status, again.body]).toEqual([200, { batch: first.body.batch, units: 4, state: 'closed' }]);
    // once closed, the same publish is still fine, but one with more inputs is refused
    const repeat = await send(
      post(`/projects/${projectA}/batches`, { kernel, inputs: [0, 1, 2, 3], name: 'resume-me' }),
    );
    expect(repeat.body).toEqual({ batch: first.body.batch, units: 4, state: 'closed' });
    await refused(
      post(`/projects/${projectA}/batches`, { kernel, inputs: [0, 1, 2, 3, 4], name: 'resume-me' }),
      409,
      'SC_BATCH_CLOSED',
    );
  });

  it('refuses a resume with another kernel or policy, or of a cancelled batch', async () => {
    await send(post(`/projects/${projectA}/batches`, { kernel, inputs: [0], name: 'fixed', quorum: 2 }));
    await refused(
      post(`/projects/${projectA}/batches`, { kernel, inputs: [0], name: 'fixed', quorum: 3 }),
      409,
      'SC_BATCH_CONFLICT',
      /quorum 2/,
    );
    await refused(
      post(`/projects/${projectA}/batches`, { kernel: 'e'.repeat(64), inputs: [0], name: 'fixed' }),
      404,
      'SC_KERNEL_UNKNOWN',
    );
    const stopped = await send(
      post(`/projects/${projectA}/batches`, { kernel, inputs: [0], name: 'stopped', open: true }),
    );
    await send(post(`/batches/${stopped.body.batch}/cancel`, {}));
    await refused(
      post(`/projects/${projectA}/batches`, { kernel, inputs: [0], name: 'stopped' }),
      409,
      'SC_BATCH_CANCELLED',
    );
    await refused(
      post(`/projects/${projectA}/batches`, { kernel, inputs: [0], name: '  ' }),
      400,
      'SC_BAD_REQUEST',
      /name/,
    );
  });
});

describe('every response above', () => {
  it('was below 500', () => {
    expectNoServerErrors(30);
  });
});
