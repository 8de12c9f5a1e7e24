// Bad input never gets a 5xx, never a crash, never a partial write (DESIGN.md, Invariants):
// returning results for leases that are unknown, someone else's, malformed, resent or superseded.
// Each case sends one request to an in-process server and asserts the answer, and that no table
// changed when nothing should have.
import { beforeAll, describe, expect, it } from 'vitest';
import {
  API,
  b64,
  expectNoServerErrors,
  fixture,
  refused,
  send,
  snapshot,
  useServer,
  vol,
} from './bad-input/harness.js';

useServer();
let batchA: string;
beforeAll(() => ({ batchA } = fixture));

async function credit(i: number): Promise<number> {
  const reply = await send({ method: 'GET', url: `${API}/volunteers/me`, headers: vol(i) });
  expect(reply.status).toBe(200);
  return reply.body.credit as number;
}

describe('returning results', () => {
  // unit index → lease id, for volunteers 0 and 1 (quorum 2: each gets one replica of each unit)
  const leases: Record<number, string>[] = [{}, {}];

  beforeAll(async () => {
    for (const i of [0, 1]) {
      const reply = await send({ method: 'POST', url: `${API}/lease`, headers: vol(i), payload: { max: 10 } });
      expect(reply.status, reply.text).toBe(200);
      for (const lease of reply.body.leases as { lease: string; batch: string; input: string }[]) {
        if (lease.batch !== batchA) continue; // the setup's batch is the only one this file should see
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

  /** Volunteer `i` POSTs one result that must be acked as rejected with `code`, writing nothing. */
  async function rejectedAck(i: number, item: { lease: string; output: string }, code: string): Promise<void> {
    const before = await snapshot();
    const reply = await submit(i, [item]);
    expect(reply.status, reply.text).toBe(200);
    expect(reply.body.acks).toEqual([{ lease: item.lease, outcome: 'rejected', code, message: expect.any(String) }]);
    expect(await snapshot()).toEqual(before);
  }

  it('acks an unknown lease as rejected SC_LEASE_UNKNOWN (POST /results) and 404 (PUT)', async () => {
    await rejectedAck(0, { lease: 'no-such-lease', output: b64('1') }, 'SC_LEASE_UNKNOWN');
    await refused(
      { method: 'PUT', url: `${API}/leases/no-such-lease/result`, headers: vol(0), payload: { output: b64('1') } },
      404,
      'SC_LEASE_UNKNOWN',
      /no-such-lease/,
    );
  });

  it("refuses another volunteer's lease: rejected SC_LEASE_NOT_YOURS (POST) and 403 (PUT)", async () => {
    const theirs = leases[0]![2]!;
    await rejectedAck(2, { lease: theirs, output: b64('2') }, 'SC_LEASE_NOT_YOURS');
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
    let before = await snapshot();
    expect((await submit(0, [{ lease: mine, output: b64('"zero"') }])).body.acks).toEqual([
      { lease: mine, outcome: 'duplicate' },
    ]);
    expect(await snapshot()).toEqual(before);

    // the second replica agrees: the unit is validated and both volunteers are credited once
    expect((await submit(1, [{ lease: theirs, output: b64('"zero"') }])).body.acks).toEqual([
      { lease: theirs, outcome: 'accepted' },
    ]);
    expect([await credit(0), await credit(1)]).toEqual([5, 5]);

    before = await snapshot();
    expect((await submit(0, [{ lease: mine, output: b64('"zero"') }])).body.acks).toEqual([
      { lease: mine, outcome: 'duplicate' },
    ]);
    const again = await put(1, theirs, { output: b64('"zero"') });
    expect(again.status, again.text).toBe(200);
    expect(again.body).toEqual({ lease: theirs, outcome: 'duplicate' });
    expect(await snapshot()).toEqual(before);
    expect([await credit(0), await credit(1)]).toEqual([5, 5]);
  });

  it('refuses a different result for a returned lease: rejected SC_LEASE_SUPERSEDED (POST) and 409 (PUT)', async () => {
    const mine = leases[0]![0]!;
    await rejectedAck(0, { lease: mine, output: b64('"something else"') }, 'SC_LEASE_SUPERSEDED');
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
    const before = await snapshot();
    expect((await submit(0, [{ lease, error: 'unreachable executed' }])).body.acks).toEqual([
      { lease, outcome: 'duplicate' },
    ]);
    expect(await snapshot()).toEqual(before);
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

describe('every response above', () => {
  it('was below 500', () => {
    expectNoServerErrors(35);
  });
});
