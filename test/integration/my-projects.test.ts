// GET /api/v1/me/projects: each publisher sees its own projects, oldest first, with their unit
// counts, and never another publisher's.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPublisherToken } from '../../src/server/auth.js';
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
});
