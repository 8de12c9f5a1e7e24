// The Store contract: what every backend must do, run against each (sqlite.test.ts,
// postgres.test.ts) in the manner of Hono's shared router suite. Each test gets an empty store.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { jsonToBytes } from '../../../src/protocol/encoding.js';
import { verifyChain } from '../../../src/server/ledger.js';
import { verifyInclusion } from '../../../src/server/merkle.js';
import { entryLeafHash, treeHeadProblem } from '../../../src/server/tree-head.js';
import { DEFAULT_POLICY } from '../../../src/server/routes/batches.js';
import type { SqlStore } from '../../../src/server/store/sql-store.js';
import type { BatchPolicy } from '../../../src/server/store/store.js';
import { decideUnit } from '../../../src/server/validator.js';
import { runBatchContract } from './batch-contract.js';
import { generatorContract } from './generator-contract.js';

export interface ContractStore {
  store: SqlStore;
  close(): Promise<void>;
}

const KERNEL = 'c'.repeat(64);
const bytes = (value: unknown) => jsonToBytes(value);
const out = (text: string) => new TextEncoder().encode(text);

export function runStoreContract(name: string, open: (random?: () => number) => Promise<ContractStore>): void {
  describe(`Store contract: ${name}`, () => {
    let handle: ContractStore;
    let store: SqlStore;
    let seq = 0;
    let roll = 0.5;

    beforeEach(async () => {
      roll = 0.5;
      handle = await open(() => roll);
      store = handle.store;
      await store.createPublisher('pub', 'token-hash', 1);
      await store.createProject({ name: 'P', description: 'd', owner: 'pub', createdAt: 1 }, 'p');
      await store.putKernel({ hash: KERNEL, abi: 'sc1', bytes: new Uint8Array([0, 97, 115, 109]) }, 1);
      for (let i = 0; i < 12; i++) {
        await store.registerVolunteer({ id: `v${i}`, name: `V${i}`, site: null, publicKey: 'k' }, `secret${i}`, 1);
      }
    });
    afterEach(async () => handle?.close());

    async function batch(units: number, policy: Partial<BatchPolicy> = {}, project = 'p'): Promise<string> {
      const id = `b${++seq}`;
      await store.createBatch(
        { ...DEFAULT_POLICY, replication: 'full', ...policy, id, project, kernel: KERNEL, total: units, createdAt: 2 },
        Array.from({ length: units }, (_, i) => ({ bytes: bytes({ i }), encoding: 'json' as const })),
      );
      return id;
    }
    const submit = (volunteer: string, lease: string, output: Uint8Array | undefined, now = 10) =>
      store.submitResults(volunteer, [output ? { lease, output } : { lease, error: 'trap' }], now, decideUnit);

    it('keeps a project description with its translations, and any plain description as it was', async () => {
      const zh = '逐块绘制曼德博集合';
      await store.createProject(
        { name: 'Both', description: 'Draws tiles', descriptions: { zh }, owner: 'pub', createdAt: 3 },
        'both',
      );
      // Text that looks like the stored form is a description like any other.
      const tricky = '{"description":"x","descriptions":{"zh":"y"}}';
      await store.createProject({ name: 'Braces', description: tricky, owner: 'pub', createdAt: 4 }, 'braces');
      await store.createProject(
        { name: 'Blank', description: 'Only English', descriptions: { zh: '  ' }, owner: 'pub', createdAt: 5 },
        'blank',
      );
      const listed = new Map((await store.listProjects()).map((p) => [p.id, p]));
      expect(listed.get('both')).toMatchObject({ description: 'Draws tiles', descriptions: { zh } });
      expect(listed.get('braces')!.description).toBe(tricky);
      expect(listed.get('braces')).not.toHaveProperty('descriptions');
      expect(listed.get('blank')).toMatchObject({ description: 'Only English' });
      expect(listed.get('blank')).not.toHaveProperty('descriptions');
      expect(listed.get('p')).toMatchObject({ description: 'd' });
      expect(listed.get('p')).not.toHaveProperty('descriptions');
      expect(await store.getProject('both')).toMatchObject({ description: 'Draws tiles', descriptions: { zh } });
      expect((await store.listProjectsOf('pub')).find((p) => p.id === 'both')).toMatchObject({ descriptions: { zh } });
    });

    it('keeps publishers, projects (with a free id), kernels, sites, settings and answers health checks', async () => {
      expect(await store.findPublisher('token-hash')).toBe('pub');
      expect(await store.findPublisher('nope')).toBeUndefined();
      expect(await store.createProject({ name: 'P', description: '', owner: 'pub', createdAt: 3 }, 'p')).toBe('p-2');
      expect((await store.getProject('p'))!).toMatchObject({ id: 'p', owner: 'pub', publicResults: false });
      expect((await store.listProjectsOf('pub')).map((p) => p.id)).toEqual(['p', 'p-2']);
      await store.putKernel({ hash: KERNEL, abi: 'sc1', bytes: new Uint8Array([9]) }, 5);
      expect([...(await store.getKernel(KERNEL))!.bytes]).toEqual([0, 97, 115, 109]);
      await store.createSite({ key: 'sck_1', name: 'S', origins: ['https://a.example'] }, 1);
      expect((await store.getSite('sck_1'))!.origins).toEqual(['https://a.example']);
      expect(await store.setting('x')).toBeUndefined();
      expect(await store.settingOnce('x', () => 'first')).toBe('first');
      expect(await store.settingOnce('x', () => 'second')).toBe('first');
      await store.putSetting('x', 'third');
      expect(await store.setting('x')).toBe('third');
      await expect(store.health()).resolves.toBeUndefined();
    });

    it('issues quorum replicas, never two to one volunteer, and only from the projects asked for', async () => {
      const b = await batch(3);
      expect(await store.leaseUnits('v0', 10, ['elsewhere'], 5)).toEqual([]);
      const first = await store.leaseUnits('v0', 10, ['p'], 5);
      expect(first.map((l) => l.unit)).toHaveLength(3);
      expect(await store.leaseUnits('v0', 10, undefined, 5)).toEqual([]);
      expect(await store.leaseUnits('v1', 10, undefined, 5)).toHaveLength(3);
      expect(await store.leaseUnits('v2', 10, undefined, 5)).toEqual([]);
      expect((await store.batchStatus(b))!.counts).toEqual({
        unsent: 0,
        inFlight: 3,
        validating: 0,
        done: 0,
        error: 0,
      });
      expect(first[0]).toMatchObject({ batch: b, kernel: KERNEL, abi: 'sc1', project: 'p', deadline: 5 + 600_000 });
    });

    it('validates on agreement, credits both volunteers once, and keeps the ledger one verified chain', async () => {
      const b = await batch(2, { credit: 3 });
      const a = await store.leaseUnits('v0', 2, undefined, 5);
      const c = await store.leaseUnits('v1', 2, undefined, 5);
      for (const [volunteer, leases] of [
        ['v0', a],
        ['v1', c],
      ] as const) {
        for (const lease of leases) {
          const [ack] = await submit(volunteer, lease.lease, out(`ok${lease.unit}`));
          expect(ack!.outcome).toBe('accepted');
        }
      }
      const status = (await store.batchStatus(b))!;
      expect(status).toMatchObject({ done: true, total: 2, counts: { done: 2 } });
      expect((await store.batchResults(b, -1, 10)).map((r) => Buffer.from(r.output).toString())).toEqual(
        a.map((l) => `ok${l.unit}`),
      );
      expect(await store.volunteerInfo('v0')).toMatchObject({ credit: 6, validated: 2, pending: 0 });
      expect((await store.leaderboard(10)).volunteers.map((v) => v.volunteer).sort()).toEqual(['v0', 'v1']);
      const entries = await store.ledgerEntries(0, 100);
      expect(entries).toHaveLength(4);
      expect(verifyChain(entries, store.ledgerPublicKey().pem)).toMatchObject({ ok: true, count: 4 });
      expect((await store.receipts('v1', 0, 10)).map((e) => e.volunteer)).toEqual(['v1', 'v1']);
      const outputs = await store.validatedOutputs('p', 0, 10);
      expect(outputs.map((o) => o.seq)).toEqual([1, 2]);
      expect(await store.audit()).toMatchObject({ inconsistentUnits: 0, creditMismatches: 0, ledgerEntries: 4 });
      expect((await store.listBatches('p'))[0]).toMatchObject({ batch: b, done: true });
      expect((await store.batchStats(b, 20)).leases).toBe(4);
    });

    it('signs one tree head per transaction that credits, and proves every receipt to the newest head', async () => {
      await batch(3, { credit: 2 });
      const a = await store.leaseUnits('v0', 3, undefined, 5);
      const c = await store.leaseUnits('v1', 3, undefined, 5);
      await store.submitResults(
        'v0',
        a.map((l) => ({ lease: l.lease, output: out(`ok${l.unit}`) })),
        10,
        decideUnit,
      );
      const heads = () => store.sql.all<{ size: number }>('SELECT size FROM ledger_heads ORDER BY seq');
      expect(await heads()).toEqual([]); // nothing credited yet: no head
      await store.submitResults(
        'v1',
        c.map((l) => ({ lease: l.lease, output: out(`ok${l.unit}`) })),
        11,
        decideUnit,
      );
      expect((await heads()).map((h) => Number(h.size))).toEqual([6]); // six entries, one head
      expect((await store.ledgerEntries(0, 10)).every((e) => e.signature === '')).toBe(true);
      const receipts = await store.receipts('v0', 0, 10);
      const { head, proofs } = await store.receiptProofs(receipts);
      expect(head).toMatchObject({ size: 6, at: 11 });
      expect(treeHeadProblem(head!, store.ledgerPublicKey().raw)).toBeUndefined();
      for (const entry of receipts) {
        const proof = proofs.get(entry.seq)!;
        expect(proof).toMatchObject({ leafIndex: entry.seq - 1, treeSize: 6 });
        const path = proof.path.map((h) => Buffer.from(h, 'hex'));
        const root = Buffer.from(head!.rootHash, 'hex');
        expect(verifyInclusion(proof.leafIndex, 6, entryLeafHash(entry), path, root)).toBe(true);
        expect(verifyInclusion(proof.leafIndex, 6, entryLeafHash({ hash: '0'.repeat(64) }), path, root)).toBe(false);
      }
      expect(await store.sealLedger(12)).toBe(false); // every entry is covered already
    });

    it('asks for another replica on disagreement, and gives up with a reason after maxResults', async () => {
      const b = await batch(1, { maxResults: 3 });
      const [x] = await store.leaseUnits('v0', 1, undefined, 5);
      const [y] = await store.leaseUnits('v1', 1, undefined, 5);
      await submit('v0', x!.lease, out('a'));
      await submit('v1', y!.lease, out('b'));
      const [z] = await store.leaseUnits('v2', 1, undefined, 6);
      expect(z?.unit).toBe(x!.unit);
      expect(await store.leaseUnits('v3', 1, undefined, 6)).toEqual([]);
      await submit('v2', z!.lease, undefined);
      const status = (await store.batchStatus(b))!;
      expect(status.counts.error).toBe(1);
      expect(status.errors[0]!.reason).toMatch(/no 2 agreeing results after 3/);
      expect(await store.volunteerInfo('v0')).toMatchObject({ credit: 0, invalid: 1 });
    });

    it('answers duplicates, other volunteers, unknown and superseded leases without writing', async () => {
      await batch(1);
      const [lease] = await store.leaseUnits('v0', 1, undefined, 5);
      expect((await submit('v0', lease!.lease, out('r')))[0]!.outcome).toBe('accepted');
      expect((await submit('v0', lease!.lease, out('r')))[0]!.outcome).toBe('duplicate');
      expect((await submit('v0', lease!.lease, out('other')))[0]).toMatchObject({ code: 'SC_LEASE_SUPERSEDED' });
      expect((await submit('v1', lease!.lease, out('r')))[0]).toMatchObject({ code: 'SC_LEASE_NOT_YOURS' });
      expect((await submit('v1', 'no-such-lease', out('r')))[0]).toMatchObject({ code: 'SC_LEASE_UNKNOWN' });
      expect(await store.audit()).toMatchObject({ inconsistentUnits: 0, ledgerEntries: 0 });
    });

    it('re-issues expired leases and still uses a late result while the unit is open', async () => {
      const b = await batch(1, { deadlineSeconds: 10 });
      const [lease] = await store.leaseUnits('v0', 1, undefined, 0);
      expect(await store.expireLeases(5_000)).toBe(0);
      expect(await store.expireLeases(10_001)).toBe(1);
      expect((await store.batchStatus(b))!.counts.unsent).toBe(1);
      const [again] = await store.leaseUnits('v1', 1, undefined, 10_002);
      expect(again!.unit).toBe(lease!.unit);
      expect((await submit('v0', lease!.lease, out('same'), 10_003))[0]!.outcome).toBe('accepted');
      await submit('v1', again!.lease, out('same'), 10_004);
      expect((await store.batchStatus(b))!.done).toBe(true);
      expect(await store.audit()).toMatchObject({ inconsistentUnits: 0, creditMismatches: 0 });
    });

    it('revokes what a volunteer vouched for once it fails a quiz, and leases it nothing more', async () => {
      const withQuiz = async (units: number, quiz: unknown) => {
        const id = `b${++seq}`;
        await store.createBatch(
          { ...DEFAULT_POLICY, replication: 'full', id, project: 'p', kernel: KERNEL, total: units, createdAt: 2 },
          Array.from({ length: units }, (_, i) => ({ bytes: bytes({ id, i }), encoding: 'json' as const })),
          [{ bytes: bytes(quiz), encoding: 'json', expected: bytes(quiz) }],
        );
        return id;
      };
      const echo = (l: { input: string }) => Buffer.from(l.input, 'base64');
      const a = await withQuiz(3, { q: 1 });
      // Both pass the quiz they are given first; then their answers validate batch a.
      for (const v of ['v0', 'v1']) {
        for (const l of await store.leaseUnits(v, 4, undefined, 5)) await submit(v, l.lease, echo(l));
      }
      expect((await store.batchStatus(a))!.counts.done).toBe(3);
      const before = (await store.volunteerInfo('v1'))!.credit;
      // A proven volunteer now and then meets another quiz: v1 answers it wrongly.
      const b = await withQuiz(1, { q: 2 });
      roll = 0;
      const leases = await store.leaseUnits('v1', 2, ['p'], 6);
      const quiz = leases.find((l) => echo(l).toString() === '{"q":2}')!;
      expect(quiz).toBeDefined();
      await submit('v1', quiz.lease, bytes({ q: 'wrong' }));
      expect((await store.volunteerInfo('v1'))!.credit).toBe(before - 3);
      expect((await store.batchStatus(a))!.counts.done).toBe(0);
      expect(await store.leaseUnits('v1', 4, undefined, 7)).toEqual([]);
      expect((await store.batchStatus(b))!.counts.done).toBe(0);
      const entries = await store.ledgerEntries(0, 100);
      expect(entries.filter((e) => e.kind === 'revoke')).toHaveLength(6);
      expect(verifyChain(entries, store.ledgerPublicKey().raw).ok).toBe(true);
      expect(await store.audit()).toMatchObject({ inconsistentUnits: 0, creditMismatches: 0 });
    });

    it('leases and validates concurrently without a unit leased twice to one volunteer or credited twice', async () => {
      const units = 120;
      const b = await batch(units);
      const volunteers = Array.from({ length: 12 }, (_, i) => `v${i}`);
      // Every volunteer asks at once, again and again, and answers at once.
      for (let round = 0; round < 6; round++) {
        const leased = await Promise.all(volunteers.map((v) => store.leaseUnits(v, 8, undefined, 100 + round)));
        await Promise.all(
          leased.map((leases, i) =>
            leases.length === 0
              ? Promise.resolve([])
              : store.submitResults(
                  volunteers[i]!,
                  leases.map((l) => ({ lease: l.lease, output: out(`r${l.unit}`) })),
                  200 + round,
                  decideUnit,
                ),
          ),
        );
      }
      const status = (await store.batchStatus(b))!;
      expect(status.counts.done).toBe(units);
      const entries = await store.ledgerEntries(0, 10_000);
      expect(entries).toHaveLength(units * 2);
      expect(new Set(entries.map((e) => e.lease)).size).toBe(units * 2);
      expect(verifyChain(entries, store.ledgerPublicKey().pem).ok).toBe(true);
      expect((await store.validatedOutputs('p', 0, 1000)).map((o) => o.seq)).toEqual(
        Array.from({ length: units }, (_, i) => i + 1),
      );
      expect(await store.audit()).toMatchObject({ inconsistentUnits: 0, creditMismatches: 0, validLeases: units * 2 });
    });

    describe('work generators', () => generatorContract(() => ({ store, kernel: KERNEL })));

    it('runs exclusive sections one at a time', async () => {
      const order: string[] = [];
      const section = (tag: string) =>
        store.exclusive('contract', async () => {
          order.push(`${tag}+`);
          await new Promise((resolve) => setTimeout(resolve, 20));
          order.push(`${tag}-`);
        });
      await Promise.all([section('a'), section('b')]);
      expect([order.slice(0, 2), order.slice(2)]).toEqual(
        order[0] === 'a+'
          ? [
              ['a+', 'a-'],
              ['b+', 'b-'],
            ]
          : [
              ['b+', 'b-'],
              ['a+', 'a-'],
            ],
      );
    });

    runBatchContract(() => store);
  });
}
