// A new version of the app never takes over while a unit runs, in real Chromium. After Start the
// service worker controls the page; then a new sw.js is deployed (the real one plus a few lines
// that answer a version question) and the page checks for updates. The new
// worker installs and waits: the page shows "A new version is ready — Reload to update", the old
// worker stays in control and the page does not reload by itself while it computes. Clicking
// Reload lets the new worker take over and reloads the page under it, which then computes again.
// Needs `npm run build` first (npm test runs it): the server serves dist/public.
import { appendFileSync, cpSync, existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPublisherToken } from '../../src/server/auth.js';
import { startServer } from '../../src/server/serve.js';
import { CHROMIUM_ARGS, chromiumPath } from './chromium.js';
import { SCREENSHOTS, publish, statValue, waitUntil, type Stack } from './page-fixture.js';

/** A charged battery and a PressureObserver that never reports: the run policies never object. */
function calmSensors() {
  const battery = Object.assign(new EventTarget(), {
    charging: true,
    level: 0.9,
    chargingTime: 0,
    dischargingTime: Infinity,
  });
  Object.defineProperty(Navigator.prototype, 'getBattery', { value: () => Promise.resolve(battery) });
  Object.defineProperty(window, 'PressureObserver', {
    value: class {
      observe() {
        return Promise.resolve();
      }
      disconnect() {}
    },
  });
}

/** Appended to the real sw.js: the "new version", which says so when asked. */
const NEW_VERSION = `
self.addEventListener('message', (event) => {
  if (event.data === 'sc-version?') event.ports[0]?.postMessage('new');
});
`;

/** Which worker controls the page: 'new' answers, the original one does not. */
function controllingVersion(page: Page): Promise<string> {
  return page.evaluate(async () => {
    const controller = navigator.serviceWorker.controller;
    if (!controller) return 'none';
    const channel = new MessageChannel();
    const answer = new Promise<string>((resolve) => {
      channel.port1.onmessage = (event) => resolve(String(event.data));
    });
    controller.postMessage('sc-version?', [channel.port2]);
    return Promise.race([answer, new Promise<string>((resolve) => setTimeout(() => resolve('original'), 1000))]);
  });
}

const hasWaitingWorker = (page: Page) =>
  page.evaluate(async () => (await navigator.serviceWorker.getRegistration())?.waiting != null);

let stack: Stack;
let publicDir: string;

// A server of its own, serving a copy of dist/public, so this test can deploy a new sw.js without
// touching what other suites serve. (Playwright's routes do not see the browser's update check
// for a service worker script, so the new version has to come from the server.)
beforeAll(async () => {
  const root = mkdtempSync(join(tmpdir(), 'sc-update-'));
  publicDir = join(root, 'public');
  cpSync(resolve('dist/public'), publicDir, { recursive: true });
  if (!existsSync(join(publicDir, 'sw.js'))) throw new Error('dist/public/sw.js is missing: run `npm run build`');
  const server = await startServer({
    port: 0,
    host: '127.0.0.1',
    dataDir: join(root, 'data'),
    demo: false,
    publicDir,
    logger: false,
  });
  const browser = await chromium.launch({ executablePath: chromiumPath(), headless: true, args: CHROMIUM_ARGS });
  stack = {
    server,
    url: server.url,
    token: await createPublisherToken(server.store, Date.now()),
    browser,
    close: async () => {
      await browser.close();
      await server.close();
      rmSync(root, { recursive: true, force: true });
    },
  };
  mkdirSync(SCREENSHOTS, { recursive: true });
});

afterAll(async () => {
  await stack?.close();
});

describe('service worker updates', () => {
  it('a new version waits while units run, says so, and takes over only on Reload', async () => {
    // Units of a couple of seconds each, so one is always in flight.
    await publish(stack, { name: 'Update test primes' }, 'dist/kernels/primes.wasm', {
      inputs: Array.from({ length: 60 }, (_, i) => ({ from: i * 1000, to: 4e9 + i * 1000 })),
    });
    const context = await stack.browser.newContext({ viewport: { width: 1280, height: 900 } });
    await context.addInitScript(calmSensors);
    const page = await context.newPage();
    await page.goto(stack.url);
    await page.getByRole('button', { name: 'Start', exact: true }).click();
    // The first version has no older one to wait for: it takes control at once (clientsClaim).
    await page.waitForFunction(() => navigator.serviceWorker.controller !== null, undefined, { timeout: 15_000 });
    expect(await controllingVersion(page)).toBe('original');
    await waitUntil('a unit is in flight', async () => (await statValue(page, 'units-in-flight')) > 0, 20_000);
    expect(await page.getByTestId('update-prompt').count()).toBe(0);

    let navigations = 0;
    page.on('framenavigated', (frame) => {
      if (frame === page.mainFrame()) navigations++;
    });
    await page.evaluate(() => Object.assign(window, { __sameDocument: true }));
    // Deploy: the same worker with a few more lines, as a new build would differ.
    appendFileSync(join(publicDir, 'sw.js'), NEW_VERSION);
    await page.evaluate(async () => {
      await (await navigator.serviceWorker.getRegistration())?.update();
    });

    const prompt = page.getByTestId('update-prompt');
    await prompt.waitFor({ timeout: 15_000 });
    await expect(prompt.textContent()).resolves.toContain('A new version is ready — Reload to update');
    await page.screenshot({ path: join(SCREENSHOTS, 'volunteer-update-ready.png') });
    // Left alone for a while, nothing takes over: the old worker controls, the unit keeps running.
    await page.waitForTimeout(3000);
    expect(await hasWaitingWorker(page)).toBe(true);
    expect(await controllingVersion(page)).toBe('original');
    expect(navigations).toBe(0);
    expect(await page.evaluate(() => (window as unknown as { __sameDocument?: boolean }).__sameDocument)).toBe(true);
    expect(page.workers().length).toBeGreaterThanOrEqual(1);
    expect(await statValue(page, 'units-in-flight')).toBeGreaterThan(0);

    // Reload: the waiting worker takes over, then the page loads afresh under it.
    const reloaded = page.waitForEvent('load', { timeout: 15_000 });
    await page.getByRole('button', { name: 'Reload', exact: true }).click();
    await reloaded;
    expect(navigations).toBe(1);
    expect(await page.evaluate(() => (window as unknown as { __sameDocument?: boolean }).__sameDocument)).toBe(
      undefined,
    );
    await page.waitForFunction(() => navigator.serviceWorker.controller !== null, undefined, { timeout: 10_000 });
    expect(await controllingVersion(page)).toBe('new');
    expect(await hasWaitingWorker(page)).toBe(false);
    // The remembered choice resumes the work in the reloaded page (it gets the compute lock back).
    await waitUntil('the reloaded page computes again', () => page.workers().length >= 1, 15_000);
    await expect(page.getByTestId('state').textContent()).resolves.not.toMatch(/another tab/);
    expect(await page.getByTestId('update-prompt').count()).toBe(0);
    await page.getByRole('button', { name: 'Pause' }).click();
    await context.close();
  }, 120_000);
});
