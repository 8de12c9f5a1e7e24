// The work generator's part of the Store contract (run by contract.ts on every backend): a
// project's generator keeps its minimum of units unsent from the state in the database, steps
// in the leasing transaction, and never makes one step twice, even under concurrent leases.
import { expect, it } from 'vitest';
import { DEFAULT_POLICY } from '../../../src/server/routes/batches.js';
import type { WorkGenerator } from '../../../src/server/store/generator.js';
import type { SqlStore } from '../../../src/server/store/sql-store.js';

/** Counts batches: batch n holds units {n, i} for i < size. Rests (no units) after `last`. */
const counting = (size: number, last = Infinity): WorkGenerator<{ n: number }> => ({
  name: `counting-${size}-${last}`,
  next: ({ n }) => ({
    units: n > last ? [] : Array.from({ length: size }, (_, i) => ({ n, i })),
    state: { n: n > last ? n : n + 1 },
  }),
});

const spec = (name: string, kernel: string, minUnsent: number) => ({
  name,
  kernel,
  policy: { ...DEFAULT_POLICY, replication: 'full' as const },
  minUnsent,
  state: { n: 0 },
});

const inputsOf = (leases: { input: string }[]) =>
  leases.map((l) => JSON.parse(Buffer.from(l.input, 'base64').toString()) as { n: number; i: number });

export function generatorContract(context: () => { store: SqlStore; kernel: string }): void {
  it('a generator makes its first batches when attached and refills what each lease takes', async () => {
    const { store, kernel } = context();
    const generator = counting(3);
    store.registerGenerator(generator);
    await store.attachGenerator('p', spec(generator.name, kernel, 4), 5);
    // 3 units are fewer than 4: a second step ran at once.
    expect(await store.generatorStatus('p')).toMatchObject({ steps: 2, state: { n: 2 } });
    expect((await store.listBatches('p')).map((b) => b.batch).sort()).toEqual(['g_p_0', 'g_p_1']);
    expect((await store.unitCounts('p')).unsent).toBe(6);

    const first = await store.leaseUnits('v0', 3, ['p'], 10);
    expect(inputsOf(first)).toEqual([0, 1, 2].map((i) => ({ n: 0, i })));
    // 3 unsent left, under 4: the lease itself made batch 2.
    expect((await store.generatorStatus('p'))!.steps).toBe(3);
    const rest = await store.leaseUnits('v0', 100, ['p'], 11);
    expect(inputsOf(rest).map((u) => u.n)).toEqual([1, 1, 1, 2, 2, 2]);
    expect((await store.unitCounts('p')).unsent).toBeGreaterThanOrEqual(4);
    const status = (await store.batchStatus('g_p_1'))!;
    expect(status).toMatchObject({ project: 'p', kernel, total: 3 });
  });

  it('leasing for other projects leaves a generator alone, and a resting generator makes nothing', async () => {
    const { store, kernel } = context();
    const generator = counting(2, 1);
    store.registerGenerator(generator);
    await store.attachGenerator('p', spec(generator.name, kernel, 2), 5);
    expect((await store.generatorStatus('p'))!.steps).toBe(1);
    await store.leaseUnits('v0', 1, ['elsewhere'], 6);
    expect((await store.generatorStatus('p'))!.steps).toBe(1);
    // Each lease is refilled in its own transaction, until the generator rests after batch 1.
    expect(await store.leaseUnits('v0', 10, undefined, 7)).toHaveLength(2);
    expect(await store.leaseUnits('v0', 10, undefined, 8)).toHaveLength(2);
    expect(await store.leaseUnits('v0', 10, undefined, 9)).toHaveLength(0);
    expect(await store.generatorStatus('p')).toMatchObject({ steps: 2, state: { n: 2 } });
  });

  it('refuses a generator no plug-in answers to, and a second generator for one project', async () => {
    const { store, kernel } = context();
    await expect(store.attachGenerator('p', spec('nobody', kernel, 1), 5)).rejects.toThrow(
      /no work generator named nobody/,
    );
    expect(await store.generatorStatus('p')).toBeUndefined();
    const generator = counting(1);
    store.registerGenerator(generator);
    await store.attachGenerator('p', spec(generator.name, kernel, 1), 5);
    await expect(store.attachGenerator('p', spec(generator.name, kernel, 1), 6)).rejects.toThrow();
    expect((await store.generatorStatus('p'))!.steps).toBe(1);
  });

  it('counts small batches right: one-unit steps keep the minimum without running away', async () => {
    const { store, kernel } = context();
    const generator = counting(1);
    store.registerGenerator(generator);
    await store.attachGenerator('p', spec(generator.name, kernel, 5), 5);
    expect((await store.generatorStatus('p'))!.steps).toBe(5);
    expect(await store.leaseUnits('v0', 1, ['p'], 6)).toHaveLength(1);
    expect((await store.generatorStatus('p'))!.steps).toBe(6);
    // A lease that takes nothing makes nothing.
    expect(await store.leaseUnits('v0', 0, ['p'], 7)).toHaveLength(0);
    expect((await store.generatorStatus('p'))!.steps).toBe(6);
    expect((await store.unitCounts('p')).unsent).toBe(5);
    await expect(store.attachGenerator('p-2', spec(generator.name, kernel, 0), 8)).rejects.toThrow(/minUnsent/);
  });

  it('concurrent leases never make one step twice or skip one', async () => {
    const { store, kernel } = context();
    const generator = counting(2);
    store.registerGenerator(generator);
    await store.attachGenerator('p', spec(generator.name, kernel, 3), 5);
    const leases = (
      await Promise.all(
        Array.from({ length: 12 }, (_, round) =>
          Promise.all(Array.from({ length: 6 }, (_, v) => store.leaseUnits(`v${v}`, 1, ['p'], 100 + round))),
        ),
      )
    ).flat(2);
    const { steps } = (await store.generatorStatus('p'))!;
    // Every step's batch holds that step's units, each unit exactly once.
    for (let step = 0; step < steps; step++) {
      const status = (await store.batchStatus(`g_p_${step}`))!;
      expect(status.total).toBe(2);
    }
    expect(await store.batchStatus(`g_p_${steps}`)).toBeUndefined();
    const counts = await store.unitCounts('p');
    expect(counts.unsent + counts.inFlight).toBe(steps * 2);
    const seen = inputsOf(leases).map((u) => `${u.n}/${u.i}`);
    expect(seen.every((key) => Number(key.split('/')[0]) < steps)).toBe(true);
    expect(await store.audit()).toMatchObject({ inconsistentUnits: 0 });
  });
}
