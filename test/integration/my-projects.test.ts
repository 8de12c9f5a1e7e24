// GET /api/v1/me/projects: each publisher sees its own projects, oldest first, with their unit
// counts, and never another publisher's.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPublisherToken, hashSecret } from '../../src/server/auth.js';
import { FRAME_BATCHES } from '../../src/server/routes/dashboard.js';
import { DEFAULT_POLICY } from '../../src/server/routes/batches.js';
import type { WorkGenerator } from '../../src/server/store/generator.js';
import { startServer, type RunningServer } from '../../src/server/serve.js';

let dir: string;
let server: RunningServer;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'sc-my-projects-'));
  server = await startServer({ port: 0, host: '127.0.0.1', dataDir: join(dir, 'data'), demo: false, logger: false });
});

afterAll(async () => {
  await server?.close();
  rmSync(dir, { recursive: true, force: true });
});

async function call(token: string, method: string, path: string, body?: unknown) {
  const response = await fetch(`${server.url}/api/v1${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, ...(body ? { 'content-type': 'application/json' } : {}) },
    ...(body ? { body: JSON.stringify(body) } : {}),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

describe('a lead’s own projects', () => {
  it('lists only the caller’s projects, oldest first, with unit counts', async () => {
    const [alice, bob] = [await createPublisherToken(server.store, 1), await createPublisherToken(server.store, 2)];
    const made = async (token: string, name: string) =>
      (await call(token, 'POST', '/projects', { name })).body.id as string;
    const a1 = await made(alice, 'Alice one');
    const b1 = await made(bob, 'Bob one');
    const a2 = await made(alice, 'Alice two');

    const mine = async (token: string) => {
      const { status, body } = await call(token, 'GET', '/me/projects');
      expect(status).toBe(200);
      return body.projects as { id: string; units: Record<string, number> }[];
    };
    const ofAlice = await mine(alice);
    expect(ofAlice.map((p) => p.id)).toEqual([a1, a2]);
    expect(ofAlice[0]!.units).toMatchObject({ unsent: 0, inFlight: 0 });
    expect((await mine(bob)).map((p) => p.id)).toEqual([b1]);
    const carol = await createPublisherToken(server.store, 3);
    expect(await mine(carol)).toEqual([]);
  });

  it('carries the newest batches only, with their count, and the project’s work generator', async () => {
    const lead = await createPublisherToken(server.store, 4);
    const owner = (await server.store.findPublisher(hashSecret(lead)))!;
    const id = (await call(lead, 'POST', '/projects', { name: 'Endless' })).body.id as string;
    const kernel = 'f'.repeat(64);
    await server.store.putKernel({ hash: kernel, abi: 'sc1', bytes: new Uint8Array([0, 97, 115, 109]) }, 5);
    // A generator of one-unit batches that keeps 25 unsent: 25 batches at once.
    const single: WorkGenerator<{ n: number }> = {
      name: 'single-units',
      next: ({ n }) => ({ units: [{ n }], state: { n: n + 1 } }),
    };
    server.store.registerGenerator(single);
    await server.store.attachGenerator(
      id,
      { name: single.name, kernel, policy: DEFAULT_POLICY, minUnsent: 25, state: { n: 0 } },
      6,
    );
    expect(owner).toBeTruthy();
    const { body } = await call(lead, 'GET', '/me/projects');
    const [project] = body.projects as {
      batches: { batch: string }[];
      batchCount: number;
      generator: { name: string; steps: number; minUnsent: number } | null;
    }[];
    // One top-up takes at most 8 steps; the rest come with the next leases.
    expect(project!.generator).toEqual({ name: 'single-units', steps: 8, minUnsent: 25 });
    expect(project!.batchCount).toBe(8);
    for (let i = 0; i < 3; i++) await server.store.leaseUnits('nobody', 0, [id], 7 + i);
    const again = (await call(lead, 'GET', '/me/projects')).body.projects as (typeof project)[];
    expect(again[0]!.batchCount).toBe(25);
    expect(again[0]!.batches).toHaveLength(FRAME_BATCHES);
    expect(again[0]!.generator!.steps).toBe(25);
    const plain = (await call(await createPublisherToken(server.store, 8), 'GET', '/me/projects')).body.projects;
    expect(plain).toEqual([]);
  });
});
