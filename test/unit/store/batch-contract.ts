// The batch lifecycle part of the Store contract (run by contract.ts on every backend): open
// batches take chunks that name their offset, retries add nothing twice, closed and cancelled
// batches take nothing more, and a cancel voids leases in flight while validated results stay.
import { beforeEach, describe, expect, it } from 'vitest';
import { jsonToBytes } from '../../../src/protocol/encoding.js';
import { DEFAULT_POLICY } from '../../../src/server/routes/batches.js';
import type { SqlStore } from '../../../src/server/store/sql-store.js';
import type { BatchRow } from '../../../src/server/store/store.js';
import { decideUnit } from '../../../src/server/validator.js';

const KERNEL = 'c'.repeat(64);
const units = (from: number, count: number) =>
  Array.from({ length: count }, (_, i) => ({ bytes: jsonToBytes({ i: from + i }), encoding: 'json' as const }));
const indexOf = (bytes: Uint8Array) => (JSON.parse(new TextDecoder().decode(bytes)) as { i: number }).i;
const out = (text: string) => new TextEncoder().encode(text);

export function runBatchContract(store: () => SqlStore): void {
  describe('batch lifecycle', () => {
    let seq = 0;
    const row = (extra: Partial<BatchRow> = {}): BatchRow => ({
      ...DEFAULT_POLICY,
      replication: 'full',
      id: `lb${++seq}`,
      project: 'p',
      kernel: KERNEL,
      total: 0,
      createdAt: 2,
      ...extra,
    });

    beforeEach(() => {
      seq = 0;
    });

    it('builds an open batch from chunks in input order, adding a repeated chunk only once', async () => {
      const s = store();
      const batch = row({ state: 'open', name: 'run-1' });
      expect(await s.createBatch(batch, units(0, 3))).toBe(true);
      expect(await s.appendUnits(batch.id, 3, units(3, 4))).toEqual({ ok: true, total: 7, added: 4 });
      // a retry of the same chunk, and one that overlaps the end: only what is missing goes in
      expect(await s.appendUnits(batch.id, 3, units(3, 4))).toEqual({ ok: true, total: 7, added: 0 });
      expect(await s.appendUnits(batch.id, 5, units(5, 4))).toEqual({ ok: true, total: 9, added: 2 });
      expect(await s.appendUnits(batch.id, 12, units(12, 1))).toEqual({ ok: false, reason: 'gap', total: 9 });
      expect(await s.appendUnits('nope', 0, units(0, 1))).toEqual({ ok: false, reason: 'unknown' });
      const stored = await s.sql.all<{ idx: number; input: Buffer }>(
        `SELECT idx, input FROM units WHERE batch = ? ORDER BY idx`,
        [batch.id],
      );
      expect(stored.map((u) => u.idx)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8]);
      expect(stored.map((u) => indexOf(u.input))).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8]);
      expect((await s.findBatchByName('p', 'run-1'))!).toMatchObject({ id: batch.id, state: 'open', total: 9 });
      expect(await s.findBatchByName('p', 'run-2')).toBeUndefined();
      // open: not done even once every unit so far is settled; volunteers may start already
      expect((await s.batchStatus(batch.id))!).toMatchObject({ state: 'open', name: 'run-1', total: 9, done: false });
      expect(await s.leaseUnits('v0', 2, undefined, 5)).toHaveLength(2);
    });

    it('refuses a second batch of one name in a project, writing nothing', async () => {
      const s = store();
      expect(await s.createBatch(row({ name: 'same' }), units(0, 2))).toBe(true);
      const before = await s.sql.get<{ n: number }>('SELECT COUNT(*) AS n FROM units');
      expect(await s.createBatch(row({ name: 'same' }), units(0, 5))).toBe(false);
      expect(await s.sql.get<{ n: number }>('SELECT COUNT(*) AS n FROM units')).toEqual(before);
      await s.createProject({ name: 'Q', description: '', owner: 'pub', createdAt: 1 }, 'q');
      expect(await s.createBatch(row({ name: 'same', project: 'q' }), units(0, 1))).toBe(true);
    });

    it('closes: no more units (a repeat of held units is still fine), done when every unit settles', async () => {
      const s = store();
      const batch = row({ state: 'open' });
      await s.createBatch(batch, units(0, 2));
      expect(await s.closeBatch(batch.id)).toBe('closed');
      expect(await s.closeBatch(batch.id)).toBe('closed');
      expect(await s.closeBatch('nope')).toBeUndefined();
      expect(await s.appendUnits(batch.id, 2, units(2, 1))).toEqual({ ok: false, reason: 'closed' });
      expect(await s.appendUnits(batch.id, 0, units(0, 2))).toEqual({ ok: true, total: 2, added: 0 });
      for (const volunteer of ['v0', 'v1']) {
        const leases = await s.leaseUnits(volunteer, 5, undefined, 5);
        await s.submitResults(
          volunteer,
          leases.map((l) => ({ lease: l.lease, output: out('same') })),
          6,
          decideUnit,
        );
      }
      expect((await s.batchStatus(batch.id))!).toMatchObject({ state: 'closed', done: true, counts: { done: 2 } });
    });

    it('cancels: unsent units never go out, leases in flight are voided, validated results stay', async () => {
      const s = store();
      const batch = row({ state: 'closed' });
      await s.createBatch(batch, units(0, 4));
      // unit 0 validated by v0 and v1; unit 1 leased to v2 only when the cancel comes
      const [a0] = await s.leaseUnits('v0', 1, undefined, 5);
      const [a1] = await s.leaseUnits('v1', 1, undefined, 5);
      await s.submitResults('v0', [{ lease: a0!.lease, output: out('zero') }], 6, decideUnit);
      await s.submitResults('v1', [{ lease: a1!.lease, output: out('zero') }], 6, decideUnit);
      const inFlight = await s.leaseUnits('v2', 1, undefined, 7);
      expect(inFlight).toHaveLength(1);
      expect(await s.cancelBatch(batch.id)).toEqual({ voided: 1 });
      expect(await s.cancelBatch('nope')).toBeUndefined();
      expect(await s.leaseUnits('v3', 10, undefined, 8)).toEqual([]);
      const late = await s.submitResults('v2', [{ lease: inFlight[0]!.lease, output: out('one') }], 9, decideUnit);
      expect(late[0]!.outcome).toBe('late');
      const status = (await s.batchStatus(batch.id))!;
      expect(status).toMatchObject({ state: 'cancelled', done: true, cancelled: 3, counts: { done: 1, inFlight: 0 } });
      expect((await s.batchResults(batch.id, -1, 10)).map((r) => Buffer.from(r.output).toString())).toEqual(['zero']);
      expect(await s.appendUnits(batch.id, 4, units(4, 1))).toEqual({ ok: false, reason: 'cancelled' });
      expect((await s.listBatches('p'))[0]).toMatchObject({ batch: batch.id, state: 'cancelled', cancelled: 3 });
      expect(await s.audit()).toMatchObject({ inconsistentUnits: 0, creditMismatches: 0 });
    });

    it('a cancel racing lease requests leaves no active lease on the batch and an audit that holds', async () => {
      const s = store();
      const batch = row();
      await s.createBatch(batch, units(0, 300));
      const volunteers = Array.from({ length: 10 }, (_, i) => `v${i}`);
      await Promise.all([
        ...volunteers.map((v) => s.leaseUnits(v, 15, undefined, 5)),
        s.cancelBatch(batch.id),
        ...volunteers.map((v) => s.leaseUnits(v, 15, undefined, 6)),
      ]);
      const active = await s.sql.get<{ n: number }>(
        `SELECT COUNT(*) AS n FROM leases l JOIN units u ON u.id = l.unit WHERE u.batch = ? AND l.state = 'active'`,
        [batch.id],
      );
      expect(active!.n).toBe(0);
      expect(await s.leaseUnits('v11', 10, undefined, 7)).toEqual([]);
      expect(await s.audit()).toMatchObject({ inconsistentUnits: 0 });
    });

    it('follows results: settled input order stops at the first open unit; validation order by seq', async () => {
      const s = store();
      const batch = row();
      await s.createBatch(batch, units(0, 3));
      const held = {
        v0: await s.leaseUnits('v0', 3, undefined, 4),
        v1: await s.leaseUnits('v1', 3, undefined, 4),
      };
      const finish = async (unit: string, now: number) => {
        for (const volunteer of ['v0', 'v1'] as const) {
          const lease = held[volunteer].find((l) => l.unit === unit)!;
          await s.submitResults(volunteer, [{ lease: lease.lease, output: out(`u${unit}`) }], now, decideUnit);
        }
      };
      const ids = (
        await s.sql.all<{ id: number }>('SELECT id FROM units WHERE batch = ? ORDER BY idx', [batch.id])
      ).map((u) => String(u.id));
      await finish(ids[2]!, 5); // the last unit validates first
      expect((await s.batchResults(batch.id, -1, 10, true)).map((r) => r.index)).toEqual([]);
      expect((await s.batchResults(batch.id, -1, 10)).map((r) => r.index)).toEqual([2]);
      const first = await s.batchResultsValidated(batch.id, 0, 10);
      expect(first.map((r) => r.index)).toEqual([2]);
      await finish(ids[0]!, 6);
      expect((await s.batchResults(batch.id, -1, 10, true)).map((r) => r.index)).toEqual([0]);
      const next = await s.batchResultsValidated(batch.id, first[0]!.seq, 10);
      expect(next.map((r) => r.index)).toEqual([0]);
      expect(next[0]!.seq).toBeGreaterThan(first[0]!.seq);
      await finish(ids[1]!, 7);
      expect((await s.batchResults(batch.id, 0, 10, true)).map((r) => r.index)).toEqual([1, 2]);
    });
  });
}
