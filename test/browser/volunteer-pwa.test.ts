// The volunteer app as an installable PWA in real Chromium: a valid manifest with PNG icons; no
// service worker before Start, one after it, and then the page opens offline; no axe-core
// violations; screenshots of the first visit and of a running page (with the demo picture) at
// desktop and phone sizes, kept in test-results/.
// Needs `npm run build` first (npm test runs it): the server serves dist/public.
import { existsSync, mkdirSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedDemo } from '../../src/server/seed-demo.js';
import { SCREENSHOTS, recordRequests, startNodeVolunteer, startStack, waitUntil, type Stack } from './page-fixture.js';

const PUBLIC_DIR = resolve('dist/public');
const DESKTOP = { width: 1280, height: 800 };
const PHONE = { width: 390, height: 844 };
const HEADLINE = "Lend your computer's idle time to science";

let stack: Stack;

/** scripts/build.mjs makes sw.js once it calls buildServiceWorker; until then (or when stale) make it here. */
async function ensureServiceWorker(): Promise<void> {
  const sw = join(PUBLIC_DIR, 'sw.js');
  if (existsSync(sw) && statSync(sw).mtimeMs >= statSync(join(PUBLIC_DIR, 'index.html')).mtimeMs) return;
  console.warn('volunteer-pwa: dist/public/sw.js is missing or stale; generating it (scripts/build-sw.mjs)');
  const { buildServiceWorker } = (await import(pathToFileURL(resolve('scripts/build-sw.mjs')).href)) as {
    buildServiceWorker(options: { publicDir: string }): Promise<unknown>;
  };
  await buildServiceWorker({ publicDir: PUBLIC_DIR });
}

beforeAll(async () => {
  await ensureServiceWorker();
  stack = await startStack();
  mkdirSync(SCREENSHOTS, { recursive: true });
});

afterAll(async () => {
  await stack?.close();
});

async function axeViolations(page: Page): Promise<string[]> {
  await page.addScriptTag({ path: 'node_modules/axe-core/axe.min.js' });
  const violations = (await page.evaluate('axe.run(document).then((r) => r.violations)')) as {
    id: string;
    nodes: { target: string[] }[];
  }[];
  return violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
}

/** Full-page screenshots at both sizes, each checked with axe-core; leaves the desktop size set. */
async function capture(page: Page, name: string): Promise<void> {
  for (const [size, viewport] of [
    ['desktop', DESKTOP],
    ['phone', PHONE],
  ] as const) {
    await page.setViewportSize(viewport);
    // Two frames: resize observers (the charts) have answered the new width.
    await page.evaluate(() => new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done))));
    await page.screenshot({ path: join(SCREENSHOTS, `volunteer-${name}-${size}.png`), fullPage: true });
    // Nothing may stick out sideways on a phone; if something does, name the innermost culprits.
    const overflow = await page.evaluate((width) => {
      const wide = [...document.querySelectorAll('body *')].filter((e) => e.getBoundingClientRect().right > width + 1);
      const innermost = wide.filter((e) => !wide.some((o) => o !== e && e.contains(o)));
      const names = innermost.slice(0, 5).map((e) => `${e.tagName.toLowerCase()}.${[...e.classList].join('.')}`);
      return { scrollWidth: document.documentElement.scrollWidth, names };
    }, viewport.width);
    expect(overflow.scrollWidth, `${name} at ${size} size: ${overflow.names.join(', ')}`).toBeLessThanOrEqual(
      viewport.width,
    );
    expect(await axeViolations(page), `${name} at ${size} size`).toEqual([]);
  }
  await page.setViewportSize(DESKTOP);
}

describe('volunteer PWA', () => {
  it('serves a valid web app manifest with PNG icons, linked from the page', async () => {
    const html = await (await fetch(stack.url)).text();
    expect(html).toMatch(/<link rel="manifest" href="\/manifest.webmanifest"/);
    const response = await fetch(`${stack.url}/manifest.webmanifest`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^application\/manifest\+json/);
    const manifest = (await response.json()) as {
      name: string;
      short_name: string;
      start_url: string;
      display: string;
      theme_color: string;
      background_color: string;
      icons: { src: string; sizes: string; type: string; purpose: string }[];
    };
    expect(manifest).toMatchObject({ short_name: 'Spare Cycles', start_url: '/', display: 'standalone' });
    expect(manifest.name).toMatch(/Spare Cycles/);
    expect(manifest.theme_color).toMatch(/^#[0-9a-f]{6}$/i);
    expect(manifest.background_color).toMatch(/^#[0-9a-f]{6}$/i);
    const kinds = manifest.icons.map((icon) => `${icon.purpose} ${icon.sizes}`);
    expect(kinds).toEqual(expect.arrayContaining(['any 192x192', 'any 512x512', 'maskable 512x512']));
    for (const icon of manifest.icons) {
      const image = await fetch(new URL(icon.src, stack.url));
      expect(image.headers.get('content-type')).toBe('image/png');
      const bytes = Buffer.from(await image.arrayBuffer());
      expect(bytes.subarray(1, 4).toString('ascii')).toBe('PNG');
      // IHDR: width and height, big-endian, right after the signature and chunk header.
      expect(`${bytes.readUInt32BE(16)}x${bytes.readUInt32BE(20)}`).toBe(icon.sizes);
      expect(bytes.length).toBeLessThan(20_000);
    }
  });

  it('registers the service worker only after Start, runs with the demo picture, and opens offline', async () => {
    const seedDir = mkdtempSync(join(tmpdir(), 'sc-pwa-seed-'));
    await seedDemo(stack.server.store, seedDir);
    const context = await stack.browser.newContext({ viewport: DESKTOP });
    const page = await context.newPage();
    const requests = recordRequests(page);
    await page.goto(stack.url);
    await page.getByRole('heading', { name: 'Mandelbrot' }).waitFor();
    await page.waitForTimeout(1000);

    // Before the click: no service worker, no workbox, no work.
    expect(await page.evaluate(async () => (await navigator.serviceWorker.getRegistrations()).length)).toBe(0);
    expect(context.serviceWorkers()).toHaveLength(0);
    expect(requests.filter((path) => /sw\.js|workbox|\/api\/v1\/(volunteers|lease|kernels)/.test(path))).toEqual([]);
    await capture(page, 'first-visit');

    await page.getByRole('button', { name: 'Start', exact: true }).click();
    const active = await page.evaluate(async () => {
      const registration = await navigator.serviceWorker.ready;
      return registration.active?.scriptURL;
    });
    expect(active).toBe(`${stack.url}/sw.js`);

    // A second volunteer, so the demo's tiles are validated and the picture grows.
    const node = await startNodeVolunteer(stack.url);
    try {
      await waitUntil(
        'the picture shows a few confirmed tiles and a unit is running',
        async () => {
          // Confirmed tiles of the zoom's current frame and of the earlier frames in its strip.
          const counts = await page
            .locator(
              'figure.picture[data-project="mandelbrot"], figure.picture[data-project="mandelbrot"] .picture-strip li',
            )
            .evaluateAll((elements) => elements.map((e) => Number(e.getAttribute('data-confirmed') ?? 0)));
          const confirmed = counts.reduce((sum, n) => sum + n, 0);
          return confirmed >= 6 && (await page.locator('progress').count()) > 0;
        },
        60_000,
      );
      await waitUntil(
        'the credit history shows receipts',
        async () => (await page.getByTestId('receipts-count').count()) > 0,
      );
    } finally {
      await node.stop();
    }
    await capture(page, 'running');

    // Offline, a reload still opens the app from the service worker's cache, with the project
    // list it saw last, and says it is offline.
    await page.waitForFunction(() => navigator.serviceWorker.controller !== null);
    await waitUntil('the project list is cached for offline use', () =>
      page.evaluate(async () => (await caches.match('/api/v1/projects')) !== undefined),
    );
    await context.setOffline(true);
    await page.reload();
    await page.getByRole('heading', { name: HEADLINE }).waitFor();
    await page.getByRole('heading', { name: 'Mandelbrot' }).waitFor();
    await waitUntil('the page says it is offline', async () =>
      /Offline|Could not start/.test((await page.locator('main').textContent()) ?? ''),
    );
    await page.setViewportSize(PHONE);
    await page.getByTestId('state').scrollIntoViewIfNeeded();
    await page.screenshot({ path: join(SCREENSHOTS, 'volunteer-offline-phone.png') });
    await context.setOffline(false);
    await context.close();
    rmSync(seedDir, { recursive: true, force: true });
  }, 120_000);
});
