// A store with one publisher, project, kernel and batch, for scheduler tests.
import { randomBytes } from 'node:crypto';
import { jsonToBytes } from '../../src/protocol/encoding.js';
import { DEFAULT_POLICY } from '../../src/server/routes/batches.js';
import { SqliteStore } from '../../src/server/store/sqlite/sqlite-store.js';
import type { BatchPolicy } from '../../src/server/store/store.js';

export const KERNEL_HASH = 'a'.repeat(64);

export async function schedulerFixture(units: number, policy: Partial<BatchPolicy> = {}) {
  const store = new SqliteStore(':memory:');
  await store.createPublisher('pub', 'tokenhash', 0);
  const project = await store.createProject(
    { name: 'p', description: '', owner: 'pub', createdAt: 0, publicResults: false },
    'p',
  );
  await store.putKernel({ hash: KERNEL_HASH, abi: 'sc1', bytes: new Uint8Array([0, 97, 115, 109]) }, 0);
  const batch = 'b_' + randomBytes(4).toString('hex');
  await store.createBatch(
    { ...DEFAULT_POLICY, ...policy, id: batch, project, kernel: KERNEL_HASH, total: units, createdAt: 0 },
    Array.from({ length: units }, (_, i) => ({ bytes: jsonToBytes({ i }), encoding: 'json' as const })),
  );
  const volunteers: string[] = [];
  for (let i = 0; i < 8; i++) {
    const id = `v${i}`;
    await store.registerVolunteer({ id, name: id, site: null, publicKey: 'test' }, `secret${i}`, 0);
    volunteers.push(id);
  }
  return { store, batch, project, volunteers };
}
