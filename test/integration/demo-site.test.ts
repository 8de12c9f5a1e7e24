// The demo widget site: seeded once per data dir and origin set, and handed to /embed-demo.html
// by GET /api/v1/demo-site (404 on a server started without --demo).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Fastify from 'fastify';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { API_PREFIX } from '../../src/protocol/api.js';
import { installErrorHandling } from '../../src/server/api-error.js';
import { demoSiteRoutes } from '../../src/server/routes/demo-site.js';
import { DEMO_SITE_NAME, localOrigins, seedDemoSite } from '../../src/server/seed-demo-site.js';
import { openStore } from '../../src/server/store/open-store.js';
import type { SqlStore } from '../../src/server/store/sql-store.js';

let dataDir: string;
let store: SqlStore;

beforeEach(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'sc-demo-site-'));
  store = await openStore({ dataDir });
});

afterEach(async () => {
  await store.close();
  rmSync(dataDir, { recursive: true, force: true });
});

async function getDemoSite() {
  const app = Fastify();
  installErrorHandling(app);
  await app.register(async (api) => demoSiteRoutes(api, { store, clock: Date.now }, dataDir), { prefix: API_PREFIX });
  const response = await app.inject({ method: 'GET', url: `${API_PREFIX}/demo-site` });
  await app.close();
  return { status: response.statusCode, body: response.json() };
}

describe('demo widget site', () => {
  it('is not there until the server seeds it', async () => {
    expect(await getDemoSite()).toMatchObject({ status: 404, body: { error: { code: 'SC_NOT_FOUND' } } });
  });

  it('is seeded once for the same origins and served to the demo page', async () => {
    const key = await seedDemoSite(store, dataDir, localOrigins(8080));
    expect(await seedDemoSite(store, dataDir, localOrigins(8080))).toBe(key);
    expect(await store.getSite(key)).toEqual({
      key,
      name: DEMO_SITE_NAME,
      origins: ['http://localhost:8080', 'http://127.0.0.1:8080'],
    });
    expect(await getDemoSite()).toEqual({ status: 200, body: { key } });
  });

  it('gets a new key that allows old and new origins when the port changes', async () => {
    const first = await seedDemoSite(store, dataDir, localOrigins(8080));
    const second = await seedDemoSite(store, dataDir, localOrigins(9090));
    expect(second).not.toBe(first);
    expect((await store.getSite(second))?.origins).toEqual([...localOrigins(8080), ...localOrigins(9090)]);
    expect((await getDemoSite()).body).toEqual({ key: second });
  });
});
