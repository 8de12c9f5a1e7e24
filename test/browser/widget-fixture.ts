// What the widget tests share: the task server (serving dist/public, with the demo-site route)
// on http://127.0.0.1:S, a tiny host site of its own on http://localhost:H that serves the
// sample host page with the one-line tag, and Chromium with storage partitioning on.
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Frame, Locator, Page } from 'playwright-core';
import { buildApp } from '../../src/server/app.js';
import { createPublisherToken } from '../../src/server/auth.js';
import { localOrigins, seedDemoSite } from '../../src/server/seed-demo-site.js';
import { openStore } from '../../src/server/store/open-store.js';
import { launchChromiumOverCdp } from './cdp-chromium.js';
import { SCREENSHOTS, waitUntil, type Stack } from './page-fixture.js';

export const SITE_KEY = 'sck_tidepool_test_key';
/** Requests that would mean work started: identity, leasing, kernels, results, the worker script. */
export const WORK_REQUEST = /^\/api\/v1\/(volunteers|lease|kernels|results)\b|kernel-worker/;

export interface WidgetStack extends Stack {
  /** The host page's origin, which SITE_KEY allows. */
  hostOrigin: string;
  /** The host server under its other name: an origin SITE_KEY does not allow. */
  otherOrigin: string;
}

export async function startWidgetStack(): Promise<WidgetStack> {
  for (const built of ['dist/public/widget.js', 'dist/public/widget/card.html', 'dist/kernels/primes.wasm']) {
    if (!existsSync(built)) throw new Error(`${built} is missing: run \`npm run build\` before the browser tests`);
  }
  mkdirSync(SCREENSHOTS, { recursive: true });
  const dataDir = mkdtempSync(join(tmpdir(), 'sc-widget-'));
  const store = await openStore({ dataDir });
  const app = await buildApp({ store, publicDir: resolve('dist/public'), logger: false, dataDir });
  app.addHook('onClose', async () => store.close());
  await app.listen({ port: 0, host: '127.0.0.1' });
  const port = (app.server.address() as AddressInfo).port;
  const url = `http://127.0.0.1:${port}`;
  await seedDemoSite(store, dataDir, localOrigins(port));

  const host = await startHostServer(url);
  const hostPort = (host.address() as AddressInfo).port;
  const hostOrigin = `http://localhost:${hostPort}`;
  await store.createSite({ key: SITE_KEY, name: 'Tide Pool Notes', origins: [hostOrigin] }, Date.now());

  const chromium = await launchChromiumOverCdp();
  return {
    server: { url, app, store, close: () => app.close() },
    url,
    token: await createPublisherToken(store, Date.now()),
    browser: chromium.browser,
    hostOrigin,
    otherOrigin: `http://127.0.0.1:${hostPort}`,
    close: async () => {
      await chromium.close();
      await new Promise((done) => host.close(done));
      await app.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** The sample host page as a real site serves it: the one-line tag in place of the demo's
 * bootstrap; any other path is a bare page. */
function startHostServer(widgetServer: string): Promise<Server> {
  const tag = `<script src="${widgetServer}/widget.js" data-site="${SITE_KEY}" async></script>`;
  const demo = readFileSync('dist/public/embed-demo.html', 'utf8').replace(
    /<script id="widget-bootstrap">[\s\S]*?<\/script>/,
    tag,
  );
  if (!demo.includes(tag)) throw new Error('embed-demo.html has no #widget-bootstrap script to replace');
  const bare = '<!doctype html><html lang="en"><title>Bare</title><main><h1>Bare host</h1></main></html>';
  const server = createServer((request, response) => {
    const page = request.url?.startsWith('/embed-demo.html') ? demo : bare;
    response.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(page);
  });
  return new Promise((done) => server.listen(0, '127.0.0.1', () => done(server)));
}

/** The card, for clicks and text. */
export const card = (page: Page) => page.frameLocator('iframe[title^="Spare Cycles"]');

/** Waits until the card shows `text`; on a timeout, says what it showed instead (or that the
 * frame never loaded), so a failure has something to go on. */
export async function cardShows(page: Page, text: string, timeoutMs = 30_000): Promise<void> {
  let shown = '';
  await waitUntil(
    `the card shows "${text}"`,
    async () => {
      shown =
        (await card(page)
          .locator('body')
          .textContent({ timeout: 1000 })
          .catch(() => null)) ?? '(no card frame)';
      return shown.includes(text);
    },
    timeoutMs,
  ).catch((err: Error) => {
    throw new Error(`${err.message}; the card shows: ${shown.replace(/\s+/g, ' ').slice(0, 300)}`);
  });
}

/** The card's frame, for evaluating inside it. */
export function cardFrame(page: Page): Frame {
  const frame = page.frames().find((f) => f.url().includes('/widget/card.html'));
  if (!frame) throw new Error('the widget card frame is not on the page');
  return frame;
}

/** Scrolls first and lets the compositor catch up: a click sent at once after a scroll can be
 * routed to the widget's frame by where that frame was before the scroll (Chromium's hit test
 * for out-of-process frames lags under load, which no person clicking could notice). */
export async function clickBelowTheFold(page: Page, target: Locator): Promise<void> {
  await target.scrollIntoViewIfNeeded();
  await page.waitForTimeout(500);
  await target.click();
}

/** axe-core's violations in one document (frames are checked on their own). */
export async function axeViolations(target: Page | Frame): Promise<string[]> {
  await target.addScriptTag({ path: resolve('node_modules/axe-core/axe.min.js') });
  const result = await target.evaluate(async () => {
    const axe = (globalThis as unknown as { axe: { run(context: unknown, options: unknown): Promise<unknown> } }).axe;
    return (await axe.run(document, { iframes: false })) as { violations: { id: string; nodes: unknown[] }[] };
  });
  return result.violations.map((v) => `${v.id} (${v.nodes.length})`);
}
