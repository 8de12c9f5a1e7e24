import { afterEach, describe, expect, it } from 'vitest';
import { jsonToBytes } from '../../src/protocol/encoding.js';
import { DEFAULT_POLICY } from '../../src/server/routes/batches.js';
import { SqliteStore } from '../../src/server/store/sqlite/sqlite-store.js';
import { isProven, quizzesFor, rollTrust, TRUST_MIN_STREAK } from '../../src/server/trust.js';
import { decideUnit } from '../../src/server/validator.js';
import { verifyChain } from '../../src/server/ledger.js';

const bytes = (value: unknown) => jsonToBytes(value);

describe('trust policy', () => {
  const proven = { validStreak: 0, quizPassed: 1, quizFailed: 0 };
  it('never trusts below a streak of 10, then with probability 1 − 1/CV', () => {
    expect(rollTrust({ ...proven, validStreak: TRUST_MIN_STREAK - 1 }, true, () => 0)).toBe(false);
    expect(rollTrust({ ...proven, validStreak: 10 }, true, () => 0.89)).toBe(true);
    expect(rollTrust({ ...proven, validStreak: 10 }, true, () => 0.9)).toBe(false);
    expect(rollTrust({ ...proven, validStreak: 100 }, true, () => 0.98)).toBe(true);
  });
  it('needs a passed quiz where the batch has quizzes, and never trusts after a failed one', () => {
    const unproven = { validStreak: 50, quizPassed: 0, quizFailed: 0 };
    expect(rollTrust(unproven, true, () => 0)).toBe(false);
    expect(rollTrust(unproven, false, () => 0)).toBe(true);
    expect(isProven({ validStreak: 50, quizPassed: 3, quizFailed: 1 }, false)).toBe(false);
  });
  it('gives an unproven volunteer exactly one quiz at a time', () => {
    expect(quizzesFor({ validStreak: 0, quizPassed: 0, quizFailed: 0 }, 16, false, () => 0.99)).toBe(1);
    expect(quizzesFor({ validStreak: 0, quizPassed: 0, quizFailed: 0 }, 16, true, () => 0)).toBe(0);
    expect(quizzesFor(proven, 10, false, () => 0.5)).toBe(0);
  });
});

describe('quiz units in the store', () => {
  let store: SqliteStore;
  afterEach(async () => store?.close());

  async function fixture(units: number) {
    store = new SqliteStore(':memory:', { random: () => 0.5 });
    await store.createPublisher('pub', 'h', 0);
    const project = await store.createProject({ name: 'p', description: '', owner: 'pub', createdAt: 0 }, 'p');
    await store.putKernel({ hash: 'k'.repeat(64), abi: 'sc1', bytes: new Uint8Array(8) }, 0);
    await store.createBatch(
      { ...DEFAULT_POLICY, id: 'b', project, kernel: 'k'.repeat(64), total: units, createdAt: 0 },
      Array.from({ length: units }, (_, i) => ({ bytes: bytes({ i }), encoding: 'json' as const })),
      [{ bytes: bytes({ quiz: 1 }), encoding: 'json', expected: bytes({ quiz: 1 }) }],
    );
    for (const id of ['honest', 'liar', 'other'])
      await store.registerVolunteer({ id, name: id, site: null, publicKey: 'k' }, id, 0);
  }
  const submit = (volunteer: string, lease: string, output: Uint8Array) =>
    store.submitResults(volunteer, [{ lease, output }], 1, decideUnit);

  it('hands an unproven volunteer a quiz first and counts its results once it passes', async () => {
    await fixture(2);
    const leases = await store.leaseUnits('honest', 3, undefined, 0);
    expect(leases).toHaveLength(3);
    const quiz = leases.find((l) => Buffer.from(l.input, 'base64').toString() === '{"quiz":1}')!;
    for (const lease of leases.filter((l) => l !== quiz))
      await submit('honest', lease.lease, Buffer.from(lease.input, 'base64'));
    expect((await store.volunteerInfo('honest'))!.pending).toBe(2);
    await submit('honest', quiz.lease, bytes({ quiz: 1 }));
    const other = await store.leaseUnits('other', 3, undefined, 0);
    const otherQuiz = other.find((l) => Buffer.from(l.input, 'base64').toString() === '{"quiz":1}')!;
    await submit('other', otherQuiz.lease, bytes({ quiz: 1 }));
    for (const lease of other.filter((l) => l !== otherQuiz))
      await submit('other', lease.lease, Buffer.from(lease.input, 'base64'));
    expect((await store.batchStatus('b'))!.counts.done).toBe(2);
  });

  it('re-verifies what a volunteer vouched for once it fails a quiz, revoking its credit', async () => {
    let roll = 0.5;
    store = new SqliteStore(':memory:', { random: () => roll });
    await store.createPublisher('pub', 'h', 0);
    const project = await store.createProject({ name: 'p', description: '', owner: 'pub', createdAt: 0 }, 'p');
    await store.putKernel({ hash: 'k'.repeat(64), abi: 'sc1', bytes: new Uint8Array(8) }, 0);
    const quiz = (n: number) => ({
      bytes: bytes({ quiz: n }),
      encoding: 'json' as const,
      expected: bytes({ quiz: n }),
    });
    await store.createBatch(
      { ...DEFAULT_POLICY, id: 'b', project, kernel: 'k'.repeat(64), total: 3, createdAt: 0, credit: 3 },
      [0, 1, 2].map((unit) => ({ bytes: bytes({ unit }), encoding: 'json' as const })),
      [quiz(1), quiz(2)],
    );
    for (const id of ['a', 'b', 'c', 'd'])
      await store.registerVolunteer({ id, name: id, site: null, publicKey: 'k' }, id, 0);
    const isQuiz = (input: string) => Buffer.from(input, 'base64').toString().includes('quiz');
    const answerQuiz = async (v: string, lease: { lease: string; input: string }, right: boolean) =>
      submit(v, lease.lease, right ? Buffer.from(lease.input, 'base64') : bytes('wrong'));

    // a and b pass their first quiz, then collude on units 0 and 1: both validate with the wrong answer
    for (const v of ['a', 'b']) {
      const leases = await store.leaseUnits(v, 3, undefined, 0);
      for (const l of leases) {
        if (isQuiz(l.input)) await answerQuiz(v, l, true);
        else await submit(v, l.lease, bytes('evil'));
      }
    }
    expect((await store.batchStatus('b'))!.counts.done).toBe(2);
    expect((await store.volunteerInfo('a'))!.credit).toBe(9); // quiz + two units

    // a's next quiz: it lies again and is caught
    roll = 0;
    const [second] = await store.leaseUnits('a', 1, undefined, 2);
    expect(second && isQuiz(second.input)).toBe(true);
    await answerQuiz('a', second!, false);
    roll = 0.5;
    const afterCatch = (await store.batchStatus('b'))!;
    expect(afterCatch.counts.done).toBe(0); // both reopened
    expect((await store.volunteerInfo('a'))!.credit).toBe(3); // the units' credit revoked, the quiz's kept
    expect((await store.volunteerInfo('b'))!.credit).toBe(3); // b's agreement with a no longer stands
    expect(await store.leaseUnits('a', 5, undefined, 3)).toEqual([]); // no more work for a

    // two honest volunteers settle it; b's wrong answer is now invalid
    for (const v of ['c', 'd']) {
      for (const l of await store.leaseUnits(v, 4, undefined, 4)) {
        if (isQuiz(l.input)) await answerQuiz(v, l, true);
        else await submit(v, l.lease, Buffer.from(l.input, 'base64'));
      }
    }
    const results = await store.batchResults('b', -1, 10);
    expect(results.map((r) => Buffer.from(r.output).toString())).toEqual(['{"unit":0}', '{"unit":1}', '{"unit":2}']);
    expect((await store.volunteerInfo('b'))!.invalid).toBeGreaterThanOrEqual(1);
    expect(await store.audit()).toMatchObject({ inconsistentUnits: 0, creditMismatches: 0 });
    const key = store.ledgerPublicKey();
    const entries = await store.ledgerEntries(0, 1000);
    expect(entries.some((e) => e.kind === 'revoke')).toBe(true);
    expect(verifyChain(entries, key.pem).ok).toBe(true);
  });
});
