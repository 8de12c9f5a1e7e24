// A work generator shared by two stores on one PostgreSQL database (two server processes, each
// with its own connection pool): concurrent leases through both top the project up without a
// step made twice or skipped, and every unit is handed out once per volunteer.
import { describe, expect, it } from 'vitest';
import { DEFAULT_POLICY } from '../../src/server/routes/batches.js';
import { generatedBatchId, type WorkGenerator } from '../../src/server/store/generator.js';
import { PostgresStore } from '../../src/server/store/postgres/pg-store.js';
import { createTestDatabase, postgresMissing } from '../helpers/backends.js';

const KERNEL = 'd'.repeat(64);
const counting: WorkGenerator<{ n: number }> = {
  name: 'counting-servers',
  next: ({ n }) => ({ units: Array.from({ length: 3 }, (_, i) => ({ n, i })), state: { n: n + 1 } }),
};

const missing = postgresMissing();
describe.skipIf(missing !== undefined)('a work generator on two servers sharing PostgreSQL', () => {
  it('never makes a step twice or skips one under concurrent leases through both', async () => {
    const database = await createTestDatabase('generators');
    const stores = [await PostgresStore.open(database.url), await PostgresStore.open(database.url)];
    try {
      const [a, b] = stores as [PostgresStore, PostgresStore];
      for (const store of stores) store.registerGenerator(counting);
      await a.createPublisher('pub', 'hash', 1);
      await a.createProject({ name: 'P', description: '', owner: 'pub', createdAt: 1 }, 'p');
      await a.putKernel({ hash: KERNEL, abi: 'sc1', bytes: new Uint8Array([0, 97, 115, 109]) }, 1);
      const volunteers = Array.from({ length: 8 }, (_, i) => `v${i}`);
      for (const id of volunteers) await a.registerVolunteer({ id, name: id, site: null, publicKey: 'k' }, `s${id}`, 1);
      await a.attachGenerator(
        'p',
        { name: counting.name, kernel: KERNEL, policy: DEFAULT_POLICY, minUnsent: 5, state: { n: 0 } },
        2,
      );

      const leased: { volunteer: string; input: string }[] = [];
      for (let round = 0; round < 10; round++) {
        const got = await Promise.all(
          volunteers.map(async (volunteer, i) =>
            ((i % 2 === 0 ? a : b) as PostgresStore)
              .leaseUnits(volunteer, 2, ['p'], 10 + round)
              .then((leases) => leases.map((l) => ({ volunteer, input: Buffer.from(l.input, 'base64').toString() }))),
          ),
        );
        leased.push(...got.flat());
      }

      const status = (await b.generatorStatus('p'))!;
      expect(status.state).toEqual({ n: status.steps });
      const batches = await a.listBatches('p');
      const ids = Array.from({ length: status.steps }, (_, step) => generatedBatchId('p', step));
      expect(batches.map((x) => x.batch).sort()).toEqual(ids.slice().sort());
      for (const [step, id] of ids.entries()) {
        const units = await a.sql.all<{ input: Buffer }>('SELECT input FROM units WHERE batch = ? ORDER BY idx', [id]);
        expect(units.map((u) => JSON.parse(u.input.toString()))).toEqual([0, 1, 2].map((i) => ({ n: step, i })));
      }
      // A volunteer never got one unit twice.
      const perVolunteer = leased.map((l) => `${l.volunteer} ${l.input}`);
      expect(new Set(perVolunteer).size).toBe(perVolunteer.length);
      // Leases committing side by side can take the count below the minimum for a moment (each
      // counted before the other's commit); the next lease tops it up.
      await b.leaseUnits('v0', 0, ['p'], 100);
      expect((await a.unitCounts('p')).unsent).toBeGreaterThanOrEqual(5);
      expect(await a.audit()).toMatchObject({ inconsistentUnits: 0 });
    } finally {
      await Promise.all(stores.map((s) => s.close()));
      await database.drop();
    }
  });
});
