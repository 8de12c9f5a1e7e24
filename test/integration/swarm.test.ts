// Many simulated volunteers over real HTTP against a real server: wrong answers, vanishing
// volunteers and colluding saboteurs, with quiz units. Every unit must end validated with the
// right answer; the figures (results per unit, wrong-canonical rate) are printed.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BatchStatus, ResultLine } from '../../src/protocol/api.js';
import { createPublisherToken } from '../../src/server/auth.js';
import { startServer, type RunningServer } from '../../src/server/serve.js';
import { suiteDatabase, type SuiteDatabase } from '../helpers/backends.js';
import { colluder, honest, randomWrong, SimVolunteer, type Behaviour } from '../helpers/sim-volunteer.js';

let server: RunningServer;
let dir: string;
let token: string;
let kernel: string;
let database: SuiteDatabase;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'sc-swarm-'));
  database = await suiteDatabase('swarm');
  server = await startServer({ port: 0, dataDir: dir, databaseUrl: database.databaseUrl, logger: false });
  token = await createPublisherToken(server.store, Date.now());
  const response = await api('POST', '/kernels', readFileSync('dist/test-kernels/echo.wasm'), 'application/wasm');
  kernel = ((await response.json()) as { hash: string }).hash;
});

afterAll(async () => {
  await server?.close();
  await database?.drop();
  rmSync(dir, { recursive: true, force: true });
});

function api(method: string, path: string, body?: unknown, type = 'application/json'): Promise<Response> {
  const init: RequestInit = { method, headers: { authorization: `Bearer ${token}`, 'content-type': type } };
  if (body !== undefined) init.body = Buffer.isBuffer(body) ? new Uint8Array(body) : JSON.stringify(body);
  return fetch(`${server.url}/api/v1${path}`, init);
}

async function publish(name: string, units: number, quizzes: number, extra: object = {}): Promise<string> {
  const project = ((await (await api('POST', '/projects', { name })).json()) as { id: string }).id;
  const inputs = Array.from({ length: units }, (_, i) => ({ unit: i, salt: name }));
  // Quiz answers are known: for the echo kernel, the output is the input.
  const quiz = Array.from({ length: quizzes }, (_, i) => ({ input: { quiz: i }, output: { quiz: i } }));
  const response = await api('POST', `/projects/${project}/batches`, { kernel, inputs, quiz, ...extra });
  expect(response.status, await response.clone().text()).toBe(201);
  return ((await response.json()) as { batch: string }).batch;
}

async function status(batch: string): Promise<BatchStatus> {
  return (await (await api('GET', `/batches/${batch}`)).json()) as BatchStatus;
}

/** Runs the volunteers until the batch is complete; vanishing ones lease once and disappear. */
async function swarm(batch: string, crowd: { behaviour: Behaviour; vanish?: boolean }[], timeoutMs: number) {
  const volunteers = crowd.map((c) => ({ sim: new SimVolunteer(server.url, c.behaviour), vanish: c.vanish ?? false }));
  await Promise.all(volunteers.map((v) => v.sim.register()));
  const deadline = Date.now() + timeoutMs;
  let finished = false;
  await Promise.all(
    volunteers.map(async ({ sim, vanish }) => {
      if (vanish) {
        await sim.lease(16); // and never returns them: the server must re-issue after the deadline
        return;
      }
      while (!finished && Date.now() < deadline) {
        const leases = await sim.lease(16);
        if (leases.length > 0) await sim.work(leases);
        else {
          if ((await status(batch)).done) finished = true;
          await new Promise((r) => setTimeout(r, 50 + Math.random() * 100));
        }
      }
    }),
  );
  return volunteers.reduce((sum, v) => sum + v.sim.submitted, 0);
}

async function results(batch: string): Promise<ResultLine[]> {
  const text = await (await api('GET', `/batches/${batch}/results`)).text();
  return text
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as ResultLine);
}

function crowdOf(size: number, shares: { behaviour: Behaviour; share: number; vanish?: boolean }[]) {
  const crowd: { behaviour: Behaviour; vanish?: boolean }[] = [];
  for (const { behaviour, share, vanish } of shares) {
    for (let i = 0; i < Math.round(size * share); i++) crowd.push(vanish ? { behaviour, vanish } : { behaviour });
  }
  while (crowd.length < size) crowd.push({ behaviour: honest });
  return crowd.sort(() => Math.random() - 0.5);
}

describe('swarm', () => {
  it('validates every unit with the right answer despite 30% wrong and 10% vanishing volunteers', async () => {
    const units = 5000;
    const batch = await publish('swarm', units, 60, { deadlineSeconds: 2, maxResults: 12 });
    const crowd = crowdOf(50, [
      { behaviour: randomWrong, share: 0.3 },
      { behaviour: honest, share: 0.1, vanish: true },
    ]);
    const started = Date.now();
    const returned = await swarm(batch, crowd, 150_000);
    const final = await status(batch);
    expect(final.counts).toMatchObject({ done: units, error: 0 });
    const lines = await results(batch);
    expect(lines).toHaveLength(units);
    for (const line of lines) expect(line.output).toEqual(line.input);
    const audit = await server.store.audit();
    expect(audit).toMatchObject({ inconsistentUnits: 0, creditMismatches: 0 });
    console.log(
      `swarm: ${units} units, 50 volunteers (30% wrong, 10% vanish): ${(returned / units).toFixed(3)} results returned ` +
        `per unit, all ${units} validated right, in ${((Date.now() - started) / 1000).toFixed(1)} s`,
    );
  }, 180_000);
});

describe('colluding saboteurs with quiz units', () => {
  for (const share of [0.1, 0.35]) {
    it(`keeps wrong canonical results rare with ${share * 100}% colluders`, async () => {
      const units = 3000;
      const batch = await publish(`collusion ${share}`, units, 60, { deadlineSeconds: 5, maxResults: 12 });
      const crowd = crowdOf(60, [{ behaviour: colluder, share }]);
      const returned = await swarm(batch, crowd, 150_000);
      const final = await status(batch);
      expect(final.counts.done + final.counts.error).toBe(units);
      const lines = await results(batch);
      const wrong = lines.filter((line) => JSON.stringify(line.output) !== JSON.stringify(line.input)).length;
      const rate = wrong / units;
      console.log(
        `collusion ${share * 100}%: wrong canonical ${wrong}/${units} (ε = ${rate.toExponential(2)}), ` +
          `${(returned / units).toFixed(3)} results per unit, ${final.counts.error} units in error`,
      );
      expect(rate).toBeLessThanOrEqual(0.001);
      expect(returned / units).toBeLessThan(2);
      expect(await server.store.audit()).toMatchObject({ inconsistentUnits: 0, creditMismatches: 0 });
    }, 180_000);
  }
});
