// Bad input never gets a 5xx, never a crash, never a partial write (DESIGN.md, Invariants): project
// creation, publishing batches, reading batches, and unknown routes. Each case sends one bad request
// to an in-process server and asserts the status, the stable error code, a one-line message, and
// that no table changed.
import { beforeAll, describe, expect, it } from 'vitest';
import { API, b64, expectNoServerErrors, fixture, pub, refused, send, useServer } from './bad-input/harness.js';

useServer();
let tokenA: string;
let tokenB: string;
let projectA: string;
let projectB: string;
let kernel: string;
let batchA: string;
beforeAll(() => ({ tokenA, tokenB, projectA, projectB, kernel, batchA } = fixture));

async function projectIds(): Promise<string[]> {
  const reply = await send({ method: 'GET', url: `${API}/projects` });
  expect(reply.status).toBe(200);
  return (reply.body.projects as { id: string }[]).map((p) => p.id).sort();
}

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

  it('refuses bad description translations with 400, and keeps good ones', async () => {
    const before = await projectIds();
    await refused(
      post({ name: 'tr', descriptions: { fr: 'Bonjour' } }),
      400,
      'SC_BAD_REQUEST',
      /descriptions|additional/,
    );
    await refused(post({ name: 'tr', descriptions: { zh: 42 } }), 400, 'SC_BAD_REQUEST', /zh|string/);
    await refused(post({ name: 'tr', descriptions: 'zh' }), 400, 'SC_BAD_REQUEST', /descriptions|object/);
    await refused(post({ name: 'tr', descriptions: { zh: '字'.repeat(4001) } }), 400, 'SC_BAD_REQUEST', /zh|4000/);
    expect(await projectIds()).toEqual(before);
    const created = await send(post({ name: 'Translated', description: 'Counts', descriptions: { zh: '计数' } }));
    expect(created.status).toBe(201);
    const listed = await send({ method: 'GET', url: `${API}/projects` });
    expect((listed.body.projects as { id: string }[]).find((p) => p.id === created.body.id)).toMatchObject({
      description: 'Counts',
      descriptions: { zh: '计数' },
    });
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
    expectNoServerErrors(50);
  });
});
