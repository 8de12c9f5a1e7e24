// The demo's widget site, so /embed-demo.html can show the widget on a fresh server. Its key is
// kept in the store's settings, shared by every server on one database (and, for data dirs from
// before, read from the data dir).
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Store } from './store/store.js';

export const DEMO_SITE_NAME = 'Spare Cycles demo';
export const DEMO_SITE_KEY_FILE = 'demo-site-key.txt';

const DEMO_SITE_SETTING = 'demo_site_key';

/** The demo site's key if the store (or, from before, this data dir) has one the store still knows. */
export async function readDemoSiteKey(store: Store, dataDir: string | undefined): Promise<string | undefined> {
  const stored = await store.setting(DEMO_SITE_SETTING);
  if (stored !== undefined && (await store.getSite(stored))) return stored;
  const file = dataDir === undefined ? undefined : join(dataDir, DEMO_SITE_KEY_FILE);
  if (!file || !existsSync(file)) return undefined;
  const key = readFileSync(file, 'utf8').trim();
  return (await store.getSite(key)) ? key : undefined;
}

/** Idempotent: reuses the demo site while it allows every origin asked for; otherwise (the server
 * moved to another port, say) makes a new one that allows the old origins and the new. */
export function seedDemoSite(store: Store, dataDir: string, origins: string[], now = Date.now()): Promise<string> {
  return store.exclusive('seed-demo-site', () => seedDemoSiteUnlocked(store, dataDir, origins, now));
}

async function seedDemoSiteUnlocked(store: Store, dataDir: string, origins: string[], now: number): Promise<string> {
  const existing = await readDemoSiteKey(store, dataDir);
  const site = existing ? await store.getSite(existing) : undefined;
  if (site && origins.every((origin) => site.origins.includes(origin))) return site.key;
  const key = 'sck_' + randomBytes(12).toString('base64url');
  const allowed = [...new Set([...(site?.origins ?? []), ...origins])];
  await store.createSite({ key, name: DEMO_SITE_NAME, origins: allowed }, now);
  await store.putSetting(DEMO_SITE_SETTING, key);
  await writeFile(join(dataDir, DEMO_SITE_KEY_FILE), key + '\n');
  return key;
}

/** The origins a browser on this machine reaches a server on `port` by. */
export function localOrigins(port: number): string[] {
  return [`http://localhost:${port}`, `http://127.0.0.1:${port}`];
}
