// What a work generator adds to leasing: µs per lease request (4 units each) on one SQLite store
// (best of 5 interleaved rounds: the figure least disturbed by whatever else runs),
// three projects side by side in one run: a plain published batch, a project with a generator
// (35-unit steps, keep 35 unsent: about one step per ~9 leases), and, on the plain project, the
// generator list check alone (another project has a generator that is not asked for).
import { expect, it } from 'vitest';
import { jsonToBytes } from '../../src/protocol/encoding.js';
import { DEFAULT_POLICY } from '../../src/server/routes/batches.js';
import type { WorkGenerator } from '../../src/server/store/generator.js';
import { SqliteStore } from '../../src/server/store/sqlite/sqlite-store.js';
import { report, round } from './report.js';

const KERNEL = 'e'.repeat(64);
const LEASES = 600;
const PER_LEASE = 4;
const ROUNDS = 5;
const STEP = 35;
const tiles: WorkGenerator<{ n: number }> = {
  name: 'bench-tiles',
  next: ({ n }) => ({
    units: Array.from({ length: STEP }, (_, i) => ({ n, i, pad: 'x'.repeat(100) })),
    state: { n: n + 1 },
  }),
};

type Kind = 'plain batch' | 'generator' | 'plain, generator elsewhere';

async function run(kind: Kind): Promise<number> {
  const store = new SqliteStore(':memory:');
  store.registerGenerator(tiles);
  await store.createPublisher('pub', 'h', 1);
  await store.putKernel({ hash: KERNEL, abi: 'sc1', bytes: new Uint8Array([0, 97, 115, 109]) }, 1);
  for (const id of ['plain', 'zoom'])
    await store.createProject({ name: id, description: '', owner: 'pub', createdAt: 1 }, id);
  const volunteers = Array.from({ length: 16 }, (_, i) => `v${i}`);
  for (const id of volunteers) await store.registerVolunteer({ id, name: id, site: null, publicKey: 'k' }, `s${id}`, 1);
  const total = LEASES * PER_LEASE;
  if (kind !== 'generator') {
    await store.createBatch(
      {
        ...DEFAULT_POLICY,
        quorum: 1,
        replication: 'full',
        id: 'b',
        project: 'plain',
        kernel: KERNEL,
        total,
        createdAt: 1,
      },
      Array.from({ length: total }, (_, i) => ({
        bytes: jsonToBytes({ i, pad: 'x'.repeat(100) }),
        encoding: 'json' as const,
      })),
    );
  }
  if (kind !== 'plain batch') {
    const policy = { ...DEFAULT_POLICY, quorum: 1, replication: 'full' as const };
    await store.attachGenerator(
      'zoom',
      { name: tiles.name, kernel: KERNEL, policy, minUnsent: STEP, state: { n: 0 } },
      1,
    );
  }
  const project = kind === 'generator' ? 'zoom' : 'plain';
  const start = process.hrtime.bigint();
  let leased = 0;
  for (let i = 0; i < LEASES; i++) {
    leased += (await store.leaseUnits(volunteers[i % volunteers.length]!, PER_LEASE, [project], 10 + i)).length;
  }
  const us = Number(process.hrtime.bigint() - start) / 1000 / LEASES;
  expect(leased).toBe(LEASES * PER_LEASE);
  await store.close();
  return us;
}

it('leasing with and without a work generator', async () => {
  const kinds: Kind[] = ['plain batch', 'generator', 'plain, generator elsewhere'];
  const times = new Map<Kind, number[]>(kinds.map((k) => [k, []]));
  for (let r = 0; r < ROUNDS; r++) for (const kind of kinds) times.get(kind)!.push(await run(kind));
  const best = (k: Kind) => Math.min(...times.get(k)!);
  const base = best('plain batch');
  report(
    'generator-lease',
    kinds.map((kind) => ({
      project: kind,
      'µs per lease (best of 5)': round(best(kind), 1),
      'vs plain batch': round(best(kind) / base, 2),
    })),
    { leases: LEASES, unitsPerLease: PER_LEASE, step: STEP },
  );
});
