// Fuzzes the whole HTTP API in process (app.inject, no sockets) with a seeded PRNG: random garbage,
// one-field mutations of valid requests, and valid traffic interleaved so that mutated requests hit
// real projects, batches and leases. Holds DESIGN.md's invariant: bad input gets a 4xx with a
// one-line reason from the error catalogue, never a 5xx, never a crash, never a partial write; and
// the store's audit stays clean. The seed is printed; `FUZZ_SEED=<seed>` replays the same choices
// (server-side ids, keys, signatures and the scheduler's SQL random() still vary, so a long run may
// drift a little), `FUZZ_REQUESTS=<n>` sets the number of sequential requests.
//
// The parts live in ./fuzz/: what to send (garbage.ts, mutations.ts, valid-traffic.ts,
// scenarios.ts), the model of the server's state it sends against (model.ts, learn.ts), and the
// checks of each answer (send.ts, checks.ts, coverage.ts, problems.ts).
import { performance } from 'node:perf_hooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPublisherToken } from '../../src/server/auth.js';
import { verifyChain } from '../../src/server/ledger.js';
import { coverageReport, expectEveryRouteCovered } from './fuzz/coverage.js';
import { garbageRequest } from './fuzz/garbage.js';
import { clock, harness, startHarness, stopHarness } from './fuzz/harness.js';
import { fillKeyPool, publishers } from './fuzz/model.js';
import { mutatedRequest } from './fuzz/mutations.js';
import { printNotes, problem, problems, summary } from './fuzz/problems.js';
import { int, pick, rng, SEED } from './fuzz/prng.js';
import { describeReq, inject, type Req } from './fuzz/requests.js';
import { API, NEVER_HIT } from './fuzz/routes.js';
import { hasScriptedSteps, nextScriptedStep, scheduleDeepScenarios } from './fuzz/scenarios.js';
import { auditNow, fire, traffic } from './fuzz/send.js';
import { validCreateProject, validUploadKernel } from './fuzz/valid-publisher.js';
import { validRequest } from './fuzz/valid-traffic.js';
import { validRegister } from './fuzz/valid-volunteer.js';
import { clearRawJson } from './fuzz/values.js';

/** Requests sent one at a time, each checked for writes; then a tenth as many in concurrent bursts. */
const SEQUENTIAL = Math.max(100, Number(process.env.FUZZ_REQUESTS ?? 10_000) || 10_000);
const CONCURRENT = Math.ceil(SEQUENTIAL / 10);
const BURST = 8;
const AUDIT_EVERY = 500;

const crashes: string[] = [];
const onCrash = (err: unknown) => crashes.push(err instanceof Error ? (err.stack ?? err.message) : String(err));
let elapsedMs = 0;

/** The next request: valid (scenario steps first), garbage or mutated; undefined after a tick. */
async function generate(): Promise<Req | undefined> {
  clock.now += int(0, 50);
  const r = rng();
  let req: Req | 'tick' | undefined;
  if (hasScriptedSteps() || r < 0.2) req = nextScriptedStep() ?? validRequest();
  else if (r < 0.5) req = garbageRequest();
  else req = mutatedRequest();
  if (req === 'tick') {
    clock.now += pick([1000, 5000, 60_000]);
    await harness.store.expireLeases(clock.now);
    return undefined;
  }
  if (req && NEVER_HIT.test(req.url.slice(API.length))) return undefined;
  clearRawJson();
  return req;
}

beforeAll(async () => {
  process.on('uncaughtException', onCrash);
  process.on('unhandledRejection', onCrash);
  console.log(`fuzz: seed ${SEED} (rerun with FUZZ_SEED=${SEED}), ${SEQUENTIAL} + ${CONCURRENT} requests`);
  await startHarness();
  for (let i = 0; i < 2; i++)
    publishers.push({ token: await createPublisherToken(harness.store, clock.now), projects: [], batches: [] });
  fillKeyPool(40);
  // A little valid state so that the first mutations have something real to hit.
  const setup: Req[] = [...publishers.map((p) => validCreateProject(p)), validUploadKernel()];
  for (const req of setup) await fire(req, true);
  for (let i = 0; i < 4; i++) await fire(validRegister(i === 0 ? 'honest' : undefined), true);
  for (const p of publishers) {
    if (!p.projects.length) throw new Error(`setup failed: ${JSON.stringify(problems)}`);
  }
});

afterAll(async () => {
  process.off('uncaughtException', onCrash);
  process.off('unhandledRejection', onCrash);
  await stopHarness();
});

describe(`fuzzing the HTTP API (seed ${SEED})`, () => {
  it(`sends ${SEQUENTIAL + CONCURRENT} requests without crashing`, { timeout: 240_000 }, async () => {
    const started = performance.now();
    const scenarios = [0.1, 0.35, 0.6, 0.85].map((f) => Math.floor(f * SEQUENTIAL));
    let nextAudit = AUDIT_EVERY;
    while (traffic.sent < SEQUENTIAL) {
      if (scenarios.length && traffic.sent >= scenarios[0]!) {
        scenarios.shift();
        scheduleDeepScenarios();
      }
      const req = await generate();
      if (req) await fire(req, true);
      if (traffic.sent >= nextAudit) {
        nextAudit += AUDIT_EVERY;
        await auditNow('periodic audit');
      }
    }
    // Bursts of concurrent requests: the store is synchronous, but handlers interleave at awaits.
    while (traffic.sent < SEQUENTIAL + CONCURRENT) {
      const burst: Req[] = [];
      for (let tries = 0; burst.length < BURST && tries < BURST * 4; tries++) {
        const req = await generate();
        if (req) burst.push({ ...req, expect: req.expect === 'ok' ? 'any' : req.expect });
      }
      await Promise.all(burst.map((req) => fire(req, false)));
    }
    elapsedMs = performance.now() - started;
    const health = await harness.app.inject({ method: 'GET', url: `${API}/health` });
    expect(health.statusCode, 'the server still answers /health').toBe(200);
    expect(problems.crash, `seed ${SEED}`).toEqual([]);
    expect(crashes, `seed ${SEED}: uncaught exceptions or unhandled rejections`).toEqual([]);
    expect(traffic.sent).toBeGreaterThanOrEqual(SEQUENTIAL + CONCURRENT);
  });

  it('never answered 5xx', () => {
    expect(problems.fiveXX, `${summary('fiveXX')} of 5xx responses`).toEqual([]);
  });

  it('answered every 4xx with {error:{code,message}}: a catalogue code, its status, one line', () => {
    expect(problems.badErrorBody, `${summary('badErrorBody')} of bad error bodies`).toEqual([]);
    expect(problems.brokenResponse, `${summary('brokenResponse')} of broken responses`).toEqual([]);
  });

  it('wrote nothing for a refused request (row counts, a write log, and a sampled full digest)', () => {
    expect(problems.partialWrite, `${summary('partialWrite')} of partial writes`).toEqual([]);
  });

  it('refused every request that breaks the schema, and accepted the valid traffic', () => {
    expect(problems.acceptedInvalid, `${summary('acceptedInvalid')} of invalid requests accepted`).toEqual([]);
    expect(problems.refusedValid, `${summary('refusedValid')} of valid requests refused`).toEqual([]);
  });

  it('leaves a store that audits clean, with a ledger chain that verifies', async () => {
    await auditNow('final audit');
    const { store } = harness;
    const audit = await store.audit();
    console.log(`fuzz: audit ${JSON.stringify(audit)}`);
    expect(problems.audit, `seed ${SEED}`).toEqual([]);
    expect(audit.inconsistentUnits).toBe(0);
    expect(audit.creditMismatches).toBe(0);
    const entries = await store.ledgerEntries(0, 1_000_000);
    const chain = verifyChain(entries, store.ledgerPublicKey().raw);
    expect(chain, `seed ${SEED}: the credit ledger chain`).toMatchObject({ ok: true });
  });

  it('covered every route', () => {
    console.log(
      `fuzz: seed ${SEED}, ${traffic.sent} requests in ${(elapsedMs / 1000).toFixed(1)} s; ${traffic.writeChecks} refusals checked for writes (${traffic.digestChecks} with a full digest); ${coverageReport()}`,
    );
    printNotes();
    expectEveryRouteCovered();
  });

  it('replays the 20 slowest requests (a smell check, never fails on time)', async () => {
    const lines: string[] = [];
    for (const { ms, req } of traffic.slowest) {
      const started = performance.now();
      const response = await inject(harness.app, req);
      const again = performance.now() - started;
      lines.push(
        `${ms.toFixed(1).padStart(8)} ms (replay ${again.toFixed(1)} ms) → ${response.statusCode} ${describeReq(req).slice(0, 300)}`,
      );
      if (response.statusCode >= 500) problem('fiveXX', `replay: ${describeReq(req)} → ${response.statusCode}`);
    }
    console.log(`fuzz: the 20 slowest requests\n${lines.join('\n')}`);
  });
});
