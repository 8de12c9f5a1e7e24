// The embeddable widget in real headless Chromium, the way a site owner's visitors meet it: a
// host page on one origin (http://localhost:H, a tiny server of its own) frames the card from
// the task server on another (http://127.0.0.1:S). Nothing runs before Start; after it, units
// are computed and credited to the site; messages from a wrong origin are ignored; the host
// page keeps working, even with the widget blocked. Needs `npm run build` first.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { VISIBLE_FOR_MS } from '../../src/widget/card/visibility-guard.js';
import { CHROMIUM_ARGS, chromiumPath } from './chromium.js';
import { SCREENSHOTS, batchStatus, publish, waitUntil } from './page-fixture.js';
import {
  SITE_KEY,
  WORK_REQUEST,
  axeViolations,
  card,
  cardFrame,
  cardShows,
  clickBelowTheFold,
  startWidgetStack,
  type WidgetStack,
} from './widget-fixture.js';

let stack: WidgetStack;
let browser: WidgetStack['browser'];
let hostOrigin: string;
let otherOrigin: string;

beforeAll(async () => {
  stack = await startWidgetStack();
  ({ browser, hostOrigin, otherOrigin } = stack);
});

afterAll(async () => {
  await stack?.close();
});

/**
 * Waits until the browser reports the card's Start button visible (or not), through an
 * Intersection Observer v2 of the test's own in the card, then for one more report interval of
 * the card's guard (its observer may update up to 100 ms after the test's).
 */
async function cardSeen(page: Page, visible: boolean): Promise<void> {
  await cardFrame(page).evaluate(
    (wanted) =>
      new Promise<void>((resolve, reject) => {
        const button = [...document.querySelectorAll('button')].find((b) => b.textContent?.trim() === 'Start');
        if (!button) return reject(new Error('no Start button in the card'));
        const timer = setTimeout(
          () => reject(new Error(`the card was not reported visible: ${wanted} in 10 s`)),
          10_000,
        );
        const observer = new IntersectionObserver(
          (entries) => {
            if (
              entries.some(
                (entry) => (entry as IntersectionObserverEntry & { isVisible: boolean }).isVisible === wanted,
              )
            ) {
              clearTimeout(timer);
              observer.disconnect();
              resolve();
            }
          },
          { trackVisibility: true, delay: 100 } as IntersectionObserverInit,
        );
        observer.observe(button);
      }),
    visible,
  );
  await page.waitForTimeout(150);
}

describe('widget', () => {
  it('keeps the loader within its 3 KB gzipped budget', () => {
    const size = gzipSync(readFileSync('dist/public/widget.js')).length;
    console.log(`widget.js: ${size} bytes gzipped`);
    expect(size).toBeLessThanOrEqual(3072);
  });

  it('computes nothing before Start, then computes for the site and talks to the host by exact origin', async () => {
    const inputs = Array.from({ length: 6 }, (_, i) => ({ from: i * 100_000, to: (i + 1) * 100_000 }));
    const published = await publish(stack, { name: 'Prime census' }, 'dist/kernels/primes.wasm', {
      inputs,
      quorum: 1,
    });
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    const page = await context.newPage();
    const requests: string[] = [];
    context.on('request', (request) => requests.push(new URL(request.url()).pathname));
    const errors: Error[] = [];
    page.on('pageerror', (error) => errors.push(error));
    const events: { type: string; units?: number; credit?: number }[] = [];
    await page.exposeFunction('widgetEvent', (detail: (typeof events)[number]) => events.push(detail));
    await page.addInitScript(() =>
      document.addEventListener('sparecycles', (event) =>
        (window as unknown as { widgetEvent(d: unknown): void }).widgetEvent((event as CustomEvent).detail),
      ),
    );

    await page.goto(`${hostOrigin}/embed-demo.html`);
    await card(page).getByRole('button', { name: 'Start' }).waitFor();
    await expect(card(page).getByText('Helps: Prime census').isVisible()).resolves.toBe(true);
    // Give a misbehaving card time to start something on its own.
    await page.waitForTimeout(1500);
    expect(requests.filter((path) => WORK_REQUEST.test(path))).toEqual([]);
    expect(page.workers()).toHaveLength(0);
    expect(await cardFrame(page).evaluate(async () => (await indexedDB.databases()).length)).toBe(0);
    expect(events).toEqual([]);

    expect(await axeViolations(page)).toEqual([]);
    expect(await axeViolations(cardFrame(page))).toEqual([]);
    await page.screenshot({ path: join(SCREENSHOTS, 'widget-desktop.png'), fullPage: true });
    await page.setViewportSize({ width: 390, height: 844 });
    await page.waitForTimeout(300);
    await page.screenshot({ path: join(SCREENSHOTS, 'widget-phone.png'), fullPage: true });
    await page.setViewportSize({ width: 1280, height: 800 });

    await card(page).getByRole('button', { name: 'Start' }).click();
    // The checks above can see the card's worker and its script: here they are.
    await waitUntil('the card runs a kernel worker', () => page.workers().length === 1, 15_000);
    await waitUntil('the host hears that the widget started', () => events.some((e) => e.type === 'started'), 15_000);
    await waitUntil('the host hears of a unit done', () => events.some((e) => e.type === 'unit-done'), 20_000);
    expect(requests.some((path) => path.startsWith('/api/v1/kernels/'))).toBe(true);
    expect(requests.some((path) => path.includes('kernel-worker'))).toBe(true);
    await waitUntil('the batch is validated', async () => (await batchStatus(stack, published.batch)).done, 45_000);
    const leaderboard = await (await fetch(`${stack.url}/api/v1/leaderboard`)).json();
    expect(leaderboard.sites).toContainEqual(
      expect.objectContaining({ site: SITE_KEY, name: 'Tide Pool Notes', volunteers: 1, credit: expect.any(Number) }),
    );
    await waitUntil('the host hears of credit', () => events.some((e) => e.type === 'credit' && e.credit! > 0), 15_000);
    await expect(card(page).getByRole('status').textContent()).resolves.toMatch(/Running · 6 units done/);
    await page.screenshot({ path: join(SCREENSHOTS, 'widget-running.png') });

    // Another frame on the page, of another origin, tries to pause the card and to fake its news.
    await page.evaluate((src) => {
      const frame = document.createElement('iframe');
      frame.src = src;
      frame.title = 'An advert';
      document.body.append(frame);
      return new Promise((loaded) => (frame.onload = loaded));
    }, `${otherOrigin}/other.html`);
    const other = page.frames().find((f) => f.url().startsWith(otherOrigin))!;
    await other.evaluate(() => {
      for (let i = 0; i < parent.frames.length; i++) parent.frames[i]!.postMessage({ type: 'pause' }, '*');
      parent.postMessage({ type: 'unit-done', units: 999 }, '*');
      parent.postMessage({ type: 'paused' }, '*');
    });
    await page.waitForTimeout(1000);
    expect(events.filter((e) => e.type === 'paused' || e.units === 999)).toEqual([]);
    await expect(card(page).getByRole('button', { name: 'Stop' }).isVisible()).resolves.toBe(true);

    // The host's own commands do work, and so does its own button.
    await page.getByRole('button', { name: 'Dark widget' }).click();
    await card(page).locator('main.theme-dark').waitFor();
    await page.getByRole('button', { name: 'Pause widget' }).click();
    await waitUntil('the host hears that the widget paused', () => events.some((e) => e.type === 'paused'), 5000);
    await card(page).getByRole('button', { name: 'Start' }).waitFor();
    await waitUntil('the kernel worker is gone', () => page.workers().length === 0, 5000);
    await clickBelowTheFold(page, page.getByRole('button', { name: 'Like this post' }));
    await expect(page.locator('#likes').textContent()).resolves.toBe('1 like');

    // The host's pause lasts for the visit; the visitor's yes stands, so the next visit resumes.
    events.length = 0;
    await page.reload();
    await waitUntil('the widget resumes on the next visit', () => events.some((e) => e.type === 'started'), 15_000);
    await card(page).getByRole('button', { name: 'Stop' }).click();
    await card(page).getByRole('button', { name: 'Start' }).waitFor();
    expect(errors).toEqual([]);
    await context.close();
  });

  it('remembers "No thanks" across reloads, and runs nothing', async () => {
    const context = await browser.newContext({ viewport: { width: 390, height: 844 } });
    const page = await context.newPage();
    const requests: string[] = [];
    context.on('request', (request) => requests.push(new URL(request.url()).pathname));
    await page.goto(`${hostOrigin}/embed-demo.html`);
    await card(page).getByRole('button', { name: 'No thanks' }).click();
    await cardShows(page, 'You said no thanks.');
    await page.reload();
    await cardShows(page, 'You said no thanks.');
    await expect(card(page).getByRole('button', { name: 'Start' }).count()).resolves.toBe(0);
    await page.locator('#support-title').scrollIntoViewIfNeeded();
    await page.screenshot({ path: join(SCREENSHOTS, 'widget-declined-phone.png') });
    expect(await axeViolations(cardFrame(page))).toEqual([]);
    await card(page).getByRole('button', { name: 'Change' }).click();
    await card(page).getByRole('button', { name: 'Start' }).waitFor();
    expect(requests.filter((path) => WORK_REQUEST.test(path))).toEqual([]);
    await context.close();
  });

  it('waits for mains power before it computes, and stops when the charger is unplugged', async () => {
    const context = await browser.newContext();
    // A laptop on battery, as the Battery Status API would report it; the test plugs it in.
    await context.addInitScript(() => {
      const battery = Object.assign(new EventTarget(), { charging: false });
      Object.defineProperty(Navigator.prototype, 'getBattery', { value: async () => battery, configurable: true });
      Object.assign(globalThis, {
        setCharging: (charging: boolean) => {
          battery.charging = charging;
          battery.dispatchEvent(new Event('chargingchange'));
        },
      });
    });
    const page = await context.newPage();
    const requests: string[] = [];
    context.on('request', (request) => requests.push(new URL(request.url()).pathname));
    await page.goto(`${hostOrigin}/embed-demo.html`);
    await card(page).getByRole('button', { name: 'Start' }).click();
    await card(page).getByText('runs only while plugged in').waitFor();
    await page.waitForTimeout(1000);
    expect(requests.filter((path) => WORK_REQUEST.test(path))).toEqual([]);

    const setCharging = (charging: boolean) =>
      cardFrame(page).evaluate(
        (on) => (globalThis as unknown as { setCharging(on: boolean): void }).setCharging(on),
        charging,
      );
    await setCharging(true);
    await card(page)
      .getByText(/^Running/)
      .waitFor({ timeout: 15_000 });
    await setCharging(false);
    await card(page).getByText('runs only while plugged in').waitFor();
    await waitUntil('the kernel worker is gone', () => page.workers().length === 0, 5000);
    await context.close();
  });

  it('leaves the host page working, without errors, when the widget is blocked', async () => {
    const page = await browser.newPage();
    const errors: Error[] = [];
    page.on('pageerror', (error) => errors.push(error));
    await page.route('**/widget.js', (route) => route.abort());
    await page.goto(`${hostOrigin}/embed-demo.html`);
    await page.getByRole('button', { name: 'Like this post' }).click();
    await page.getByRole('button', { name: 'Pause widget' }).click();
    await expect(page.locator('#likes').textContent()).resolves.toBe('1 like');
    expect(page.frames()).toHaveLength(1);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('adds no globals to the host page', async () => {
    const page = await browser.newPage();
    await page.goto(`${hostOrigin}/bare.html`);
    const { before, after, frames } = await page.evaluate(
      async ({ src, site }) => {
        // Indexed properties name child frames; they come with any iframe, not from our script.
        const names = () => Object.keys(window).filter((name) => !/^\d+$/.test(name));
        const before = names();
        const script = document.createElement('script');
        script.src = src;
        script.async = true;
        script.dataset.site = site;
        const loaded = new Promise((done) => (script.onload = done));
        document.body.append(script);
        await loaded;
        return { before, after: names(), frames: document.querySelectorAll('iframe').length };
      },
      { src: `${stack.url}/widget.js`, site: SITE_KEY },
    );
    expect(frames).toBe(1);
    expect(after).toEqual(before);
    await page.close();
  });

  it('takes no Start click while the host page covers or fades the card (clickjacking)', async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    const page = await context.newPage();
    const requests: string[] = [];
    context.on('request', (request) => requests.push(new URL(request.url()).pathname));
    await page.goto(`${hostOrigin}/embed-demo.html`);
    const start = card(page).getByRole('button', { name: 'Start' });
    await start.waitFor();
    await start.scrollIntoViewIfNeeded();
    // A decoy over the card that lets clicks through to it: the visitor sees only the decoy.
    await page.evaluate(() => {
      const decoy = document.createElement('div');
      decoy.id = 'decoy';
      decoy.textContent = 'Click anywhere to claim your prize';
      decoy.style.cssText =
        'position:fixed;inset:0;background:rgba(255,240,200,0.93);pointer-events:none;z-index:9999;font:32px sans-serif;padding:2em';
      document.body.append(decoy);
    });
    await cardSeen(page, false);
    await start.click();
    await card(page).getByText('Start was not counted').waitFor();
    await page.evaluate(() => document.getElementById('decoy')!.remove());
    await start.scrollIntoViewIfNeeded();
    await page.screenshot({ path: join(SCREENSHOTS, 'widget-click-not-counted.png') });

    // The card made all but transparent.
    const frame = 'iframe[title^="Spare Cycles"]';
    await page.locator(frame).evaluate((element: HTMLElement) => (element.style.opacity = '0.05'));
    await cardSeen(page, false);
    await start.click();
    await page.waitForTimeout(1000);
    expect(requests.filter((path) => WORK_REQUEST.test(path))).toEqual([]);
    await expect(start.count()).resolves.toBe(1);

    // Shown plainly again, and for a moment: the visitor's click counts.
    await page.locator(frame).evaluate((element: HTMLElement) => (element.style.opacity = ''));
    await cardSeen(page, true);
    await page.waitForTimeout(VISIBLE_FOR_MS);
    await start.click();
    await card(page).getByRole('button', { name: 'Stop' }).waitFor();
    await expect(card(page).getByText('Start was not counted').count()).resolves.toBe(0);
    await card(page).getByRole('button', { name: 'Stop' }).click();
    await context.close();
  });

  it('refuses to run on an origin its site key does not allow', async () => {
    const page = await browser.newPage();
    await page.goto(`${otherOrigin}/embed-demo.html`);
    await cardShows(page, 'This widget is not set up for this site.');
    await expect(card(page).getByRole('button', { name: 'Start' }).count()).resolves.toBe(0);
    await page.close();
  });

  it('says so, and runs nothing, where the browser gives framed pages no storage', async () => {
    // Playwright's own launch turns storage partitioning off: framed pages then get no storage,
    // as in browsers set to block third-party storage.
    const blocking = await chromium.launch({ executablePath: chromiumPath(), headless: true, args: CHROMIUM_ARGS });
    try {
      const page = await blocking.newPage();
      await page.goto(`${hostOrigin}/embed-demo.html`);
      await card(page).getByText('keeps embedded widgets from storing anything').waitFor();
      await expect(card(page).getByRole('button', { name: 'Start' }).count()).resolves.toBe(0);
    } finally {
      await blocking.close();
    }
  });

  it('shows on the demo page its own server serves, with the key from /api/v1/demo-site', async () => {
    const page = await browser.newPage();
    const key = (await (await fetch(`${stack.url}/api/v1/demo-site`)).json()) as { key: string };
    expect(key.key).toMatch(/^sck_/);
    await page.goto(`${stack.url}/embed-demo.html`);
    await card(page).getByRole('button', { name: 'Start' }).waitFor();
    await expect(page.locator(`script[data-site="${key.key}"]`).count()).resolves.toBe(1);
    await page.close();
  });
});
