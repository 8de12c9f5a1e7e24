// POST /volunteers/me/results: a volunteer's page learns which of its own results wait for a
// second opinion and which are confirmed, and learns nothing about anyone else's leases.
import { describe, expect, it } from 'vitest';
import { API, b64, fixture, send, useServer, vol } from './bad-input/harness.js';

useServer();

const status = async (volunteer: number, leases: string[]) => {
  const reply = await send({
    method: 'POST',
    url: `${API}/volunteers/me/results`,
    headers: vol(volunteer),
    payload: { leases },
  });
  expect(reply.status, reply.text).toBe(200);
  return (reply.body as { results: { lease: string; status: string; project: string; unit: string }[] }).results;
};
const lease = async (volunteer: number) => {
  const reply = await send({ method: 'POST', url: `${API}/lease`, headers: vol(volunteer), payload: { max: 1 } });
  expect(reply.status, reply.text).toBe(200);
  return (reply.body as { leases: { lease: string; unit: string }[] }).leases[0]!;
};
const submit = async (volunteer: number, id: string, output: string) => {
  const reply = await send({
    method: 'POST',
    url: `${API}/results`,
    headers: vol(volunteer),
    payload: { results: [{ lease: id, output: b64(output) }] },
  });
  expect(reply.status, reply.text).toBe(200);
};

describe('own result status', () => {
  it('is waiting after the first result, confirmed for both once a second agrees, and private', async () => {
    const first = await lease(0);
    const second = await lease(1);
    expect(second.unit).toBe(first.unit);
    // Leased but not returned: nothing to say yet.
    expect(await status(0, [first.lease])).toEqual([]);
    await submit(0, first.lease, 'same');
    expect(await status(0, [first.lease, 'no-such-lease'])).toEqual([
      { lease: first.lease, unit: first.unit, project: fixture.projectA, status: 'waiting' },
    ]);
    // Another volunteer's lease is not reported to it, whatever its state.
    expect(await status(1, [first.lease])).toEqual([]);
    await submit(1, second.lease, 'same');
    expect((await status(0, [first.lease])).map((r) => r.status)).toEqual(['confirmed']);
    expect((await status(1, [second.lease, second.lease])).map((r) => r.status)).toEqual(['confirmed']);
    expect(await status(2, [first.lease, second.lease])).toEqual([]);
  });

  it('says rejected when the others agree on another answer', async () => {
    const [a, b] = [await lease(0), await lease(1)];
    await submit(0, a.lease, 'odd');
    await submit(1, b.lease, 'even');
    // No quorum yet: a third replica decides (maxResults 3).
    const third = await lease(2);
    expect(third.unit).toBe(a.unit);
    await submit(2, third.lease, 'even');
    expect((await status(0, [a.lease]))[0]!.status).toBe('rejected');
    expect((await status(1, [b.lease]))[0]!.status).toBe('confirmed');
  });
});
