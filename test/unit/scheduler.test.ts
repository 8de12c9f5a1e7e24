import { afterEach, describe, expect, it } from 'vitest';
import { decideUnit } from '../../src/server/validator.js';
import type { Store } from '../../src/server/store/store.js';
import { schedulerFixture } from '../helpers/scheduler-fixture.js';

const out = (text: string) => new TextEncoder().encode(text);
let store: Store | undefined;
afterEach(async () => {
  await store?.close();
  store = undefined;
});

describe('scheduler', () => {
  it('issues quorum replicas of a unit, each to a different volunteer', async () => {
    const f = await schedulerFixture(1);
    store = f.store;
    const [a, b, c] = f.volunteers;
    const first = await store.leaseUnits(a!, 10, undefined, 1000);
    expect(first).toHaveLength(1);
    expect(await store.leaseUnits(a!, 10, undefined, 1000)).toHaveLength(0);
    expect(await store.leaseUnits(b!, 10, undefined, 1000)).toHaveLength(1);
    // quorum 2 and both replicas in flight: nothing left to send
    expect(await store.leaseUnits(c!, 10, undefined, 1000)).toHaveLength(0);
    expect((await store.batchStatus(f.batch))!.counts).toMatchObject({ inFlight: 1, unsent: 0 });
  });

  it('leases only from the requested projects', async () => {
    const f = await schedulerFixture(3);
    store = f.store;
    expect(await store.leaseUnits(f.volunteers[0]!, 10, ['other'], 0)).toHaveLength(0);
    expect(await store.leaseUnits(f.volunteers[0]!, 10, [f.project], 0)).toHaveLength(3);
  });

  it('validates agreeing results, credits both volunteers, and lists the result', async () => {
    const f = await schedulerFixture(1, { credit: 7 });
    store = f.store;
    const [a, b] = f.volunteers;
    const [la] = await store.leaseUnits(a!, 1, undefined, 0);
    const [lb] = await store.leaseUnits(b!, 1, undefined, 0);
    expect(await store.submitResults(a!, [{ lease: la!.lease, output: out('42') }], 1, decideUnit)).toEqual([
      { lease: la!.lease, outcome: 'accepted' },
    ]);
    expect((await store.batchStatus(f.batch))!.counts.validating).toBe(1);
    await store.submitResults(b!, [{ lease: lb!.lease, output: out('42') }], 2, decideUnit);
    const status = (await store.batchStatus(f.batch))!;
    expect(status.counts.done).toBe(1);
    expect(status.done).toBe(true);
    expect((await store.volunteerInfo(a!))!.credit).toBe(7);
    expect((await store.volunteerInfo(b!))!.credit).toBe(7);
    const [result] = await store.batchResults(f.batch, -1, 10);
    expect(new TextDecoder().decode(result!.output)).toBe('42');
  });

  it('issues another replica on disagreement and marks the wrong result invalid', async () => {
    const f = await schedulerFixture(1);
    store = f.store;
    const [a, b, c] = f.volunteers;
    const [la] = await store.leaseUnits(a!, 1, undefined, 0);
    const [lb] = await store.leaseUnits(b!, 1, undefined, 0);
    await store.submitResults(a!, [{ lease: la!.lease, output: out('right') }], 1, decideUnit);
    await store.submitResults(b!, [{ lease: lb!.lease, output: out('wrong') }], 2, decideUnit);
    const [lc] = await store.leaseUnits(c!, 1, undefined, 3);
    expect(lc).toBeDefined();
    await store.submitResults(c!, [{ lease: lc!.lease, output: out('right') }], 4, decideUnit);
    expect((await store.volunteerInfo(b!))!).toMatchObject({ credit: 0, invalid: 1 });
    expect((await store.volunteerInfo(c!))!).toMatchObject({ credit: 1, validated: 1 });
  });

  it('gives a unit up as error after maxResults without agreement', async () => {
    const f = await schedulerFixture(1, { quorum: 2, maxResults: 3 });
    store = f.store;
    for (const [i, v] of f.volunteers.slice(0, 3).entries()) {
      const [lease] = await store.leaseUnits(v, 1, undefined, i);
      await store.submitResults(v, [{ lease: lease!.lease, output: out(`answer ${i}`) }], i, decideUnit);
    }
    expect((await store.batchStatus(f.batch))!.counts.error).toBe(1);
    expect(await store.leaseUnits(f.volunteers[4]!, 1, undefined, 10)).toHaveLength(0);
  });

  it('re-issues an expired lease and still uses its late result while the unit is open', async () => {
    const f = await schedulerFixture(1, { quorum: 1, deadlineSeconds: 10 });
    store = f.store;
    const [a, b] = f.volunteers;
    const [la] = await store.leaseUnits(a!, 1, undefined, 0);
    expect(await store.leaseUnits(b!, 1, undefined, 5_000)).toHaveLength(0);
    expect(await store.expireLeases(10_001)).toBe(1);
    const [lb] = await store.leaseUnits(b!, 1, undefined, 10_002);
    expect(lb).toBeDefined();
    // a's late result still counts: the unit is open
    expect(
      (await store.submitResults(a!, [{ lease: la!.lease, output: out('x') }], 11_000, decideUnit))[0]!.outcome,
    ).toBe('accepted');
    // b's result arrives after validation: acknowledged, no credit
    expect(
      (await store.submitResults(b!, [{ lease: lb!.lease, output: out('x') }], 12_000, decideUnit))[0]!.outcome,
    ).toBe('late');
    expect((await store.volunteerInfo(b!))!.credit).toBe(0);
  });

  it('answers a re-sent identical result with its first outcome and no extra credit', async () => {
    const f = await schedulerFixture(1, { quorum: 1 });
    store = f.store;
    const [a, b] = f.volunteers;
    const [la] = await store.leaseUnits(a!, 1, undefined, 0);
    await store.submitResults(a!, [{ lease: la!.lease, output: out('x') }], 1, decideUnit);
    const again = await store.submitResults(a!, [{ lease: la!.lease, output: out('x') }], 2, decideUnit);
    expect(again[0]!.outcome).toBe('duplicate');
    const changed = await store.submitResults(a!, [{ lease: la!.lease, output: out('y') }], 3, decideUnit);
    expect(changed[0]).toMatchObject({ outcome: 'rejected', code: 'SC_LEASE_SUPERSEDED' });
    const stolen = await store.submitResults(b!, [{ lease: la!.lease, output: out('x') }], 4, decideUnit);
    expect(stolen[0]).toMatchObject({ outcome: 'rejected', code: 'SC_LEASE_NOT_YOURS' });
    expect((await store.volunteerInfo(a!))!.credit).toBe(1);
  });

  it('keeps credit equal to validated work across many units', async () => {
    const f = await schedulerFixture(20, { credit: 2 });
    store = f.store;
    const [a, b] = f.volunteers;
    for (const v of [a!, b!]) {
      const leases = await store.leaseUnits(v, 100, undefined, 0);
      expect(leases).toHaveLength(20);
      await store.submitResults(
        v,
        leases.map((l) => ({ lease: l.lease, output: out(l.unit) })),
        1,
        decideUnit,
      );
    }
    expect((await store.batchStatus(f.batch))!.counts.done).toBe(20);
    expect((await store.volunteerInfo(a!))!).toMatchObject({ credit: 40, validated: 20, pending: 0 });
  });
});
