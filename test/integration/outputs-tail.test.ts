// GET /projects/:id/outputs?tail=N: a picture opened late starts near the newest validations
// instead of a long zoom's whole history; bad values are refused with 400.
import { describe, expect, it } from 'vitest';
import { API, b64, expectNoServerErrors, fixture, pub, refused, send, useServer, vol } from './bad-input/harness.js';

useServer();

const outputs = async (query: string) => {
  const reply = await send({
    method: 'GET',
    url: `${API}/projects/${fixture.projectA}/outputs?${query}`,
    headers: pub(fixture.tokenA),
  });
  expect(reply.status, reply.text).toBe(200);
  return reply.body as { outputs: { seq: number }[]; next: number | null };
};

describe('outputs from the tail', () => {
  it('starts N validations before the newest, then pages on with after', async () => {
    // Two volunteers agree on all three units of the fixture's batch: three validations.
    for (const volunteer of [0, 1]) {
      const lease = await send({ method: 'POST', url: `${API}/lease`, headers: vol(volunteer), payload: { max: 3 } });
      const results = (lease.body as { leases: { lease: string; unit: string }[] }).leases.map((l) => ({
        lease: l.lease,
        output: b64(`tile ${l.unit}`),
      }));
      const reply = await send({
        method: 'POST',
        url: `${API}/results`,
        headers: vol(volunteer),
        payload: { results },
      });
      expect(reply.status, reply.text).toBe(200);
    }
    expect((await outputs('after=0')).outputs.map((o) => o.seq)).toEqual([1, 2, 3]);
    expect((await outputs('tail=2')).outputs.map((o) => o.seq)).toEqual([2, 3]);
    expect((await outputs('tail=50')).outputs.map((o) => o.seq)).toEqual([1, 2, 3]);
    expect(await outputs('tail=1&limit=1')).toMatchObject({ outputs: [{ seq: 3 }], next: 3 });
  });

  it('refuses a tail of 0, not a number, too long, or given with after', async () => {
    for (const query of ['tail=0', 'tail=abc', 'tail=123456', 'tail=-1', 'tail=2&after=1']) {
      await refused(
        { method: 'GET', url: `${API}/projects/${fixture.projectA}/outputs?${query}`, headers: pub(fixture.tokenA) },
        400,
        'SC_BAD_REQUEST',
        /tail|after/,
      );
    }
    expectNoServerErrors(5);
  });
});
