// One tab computes per browser profile, in real Chromium: one browser context is one profile and
// two pages are two tabs. Tab A starts and computes; tab B, opened with the remembered choice
// "running", finds the compute lock (Web Locks) taken, runs no worker and says the work runs in
// another tab; Take over in B makes B compute and A stop within two seconds and say so; closing
// B frees the lock, A hears of it and computes again when its volunteer clicks.
// Battery and CPU pressure are faked (a loaded test machine reports 'critical' pressure).
// Needs `npm run build` first (npm test runs it): the server serves dist/public.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SCREENSHOTS, publish, startStack, statValue, waitUntil, type Stack } from './page-fixture.js';

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

const ELSEWHERE = /running in another tab/i;
const stateText = async (page: Page) => (await page.getByTestId('state').textContent()) ?? '';
const button = (page: Page, name: string) => page.getByRole('button', { name, exact: true });

/** Waits until the page has finished one more unit than it had. */
async function computesMore(page: Page, what: string): Promise<void> {
  const before = await statValue(page, 'units-done');
  await waitUntil(`${what} finishes a unit`, async () => (await statValue(page, 'units-done')) > before, 30_000);
}

let stack: Stack;

beforeAll(async () => {
  stack = await startStack();
  mkdirSync(SCREENSHOTS, { recursive: true });
});

afterAll(async () => {
  await stack?.close();
});

describe('one tab computes per browser profile', () => {
  it('a second tab waits and says so, Take over moves the work, and closing it lets the first resume', async () => {
    // A few hundred short units (a fraction of a second each): work for every step of the test.
    await publish(stack, { name: 'Tab test primes' }, 'dist/kernels/primes.wasm', {
      inputs: Array.from({ length: 400 }, (_, i) => ({ from: i * 3e7, to: i * 3e7 + 3e8 })),
    });
    const context = await stack.browser.newContext({ viewport: { width: 1280, height: 900 } });
    await context.addInitScript(calmSensors);
    const tabA = await context.newPage();
    await tabA.goto(stack.url);
    expect(await tabA.evaluate(() => localStorage.getItem('sparecycles.persisted'))).toBeNull();
    await button(tabA, 'Start').click();
    await waitUntil('tab A runs a worker', () => tabA.workers().length >= 1, 15_000);
    await computesMore(tabA, 'tab A');
    // Start asked, once, for storage that is not evicted, and remembered the answer.
    await waitUntil(
      'the storage.persist() answer is remembered',
      async () => (await tabA.evaluate(() => localStorage.getItem('sparecycles.persisted'))) !== null,
      5000,
    );
    const persisted = JSON.parse((await tabA.evaluate(() => localStorage.getItem('sparecycles.persisted')))!);
    expect(typeof persisted.granted).toBe('boolean');

    // Tab B: the remembered choice says "running", but tab A holds the lock.
    const tabB = await context.newPage();
    await tabB.goto(stack.url);
    await waitUntil(
      'tab B says the work runs in another tab',
      async () => ELSEWHERE.test(await stateText(tabB)),
      10_000,
    );
    await tabB.waitForTimeout(1500);
    expect(tabB.workers()).toHaveLength(0);
    expect(ELSEWHERE.test(await stateText(tabB))).toBe(true);
    await expect(button(tabB, 'Take over').isVisible()).resolves.toBe(true);
    expect(tabA.workers().length).toBeGreaterThanOrEqual(1);
    expect(await stateText(tabA)).not.toMatch(ELSEWHERE);
    const held = await tabB.evaluate(async () => (await navigator.locks.query()).held?.map((lock) => lock.name));
    expect(held).toEqual(['sparecycles-compute']);
    await tabB.screenshot({ path: join(SCREENSHOTS, 'volunteer-tabs-elsewhere.png') });

    // Take over: B computes, A stops within two seconds and says where the work went.
    const tookOver = Date.now();
    await button(tabB, 'Take over').click();
    await waitUntil("tab A's workers are gone", () => tabA.workers().length === 0, 2000);
    const stopMs = Date.now() - tookOver;
    await waitUntil('tab A says the work runs in another tab', async () => ELSEWHERE.test(await stateText(tabA)), 2000);
    await expect(button(tabA, 'Take over').isVisible()).resolves.toBe(true);
    await waitUntil('tab B runs a worker', () => tabB.workers().length >= 1, 15_000);
    await computesMore(tabB, 'tab B');
    expect(tabA.workers()).toHaveLength(0);
    expect(await stateText(tabB)).not.toMatch(ELSEWHERE);
    // Losing the lock is not the volunteer's Pause: the remembered choice stays "running".
    expect(await tabA.evaluate(() => localStorage.getItem('sparecycles.consent'))).toBe('running');

    // B closes: A hears that nothing runs any more, and runs again once its volunteer clicks.
    await tabB.close();
    await waitUntil('tab A offers to resume', () => button(tabA, 'Resume').isVisible(), 5000);
    expect(tabA.workers()).toHaveLength(0);
    await button(tabA, 'Resume').click();
    await waitUntil('tab A runs a worker again', () => tabA.workers().length >= 1, 15_000);
    await computesMore(tabA, 'tab A again');
    expect(await stateText(tabA)).not.toMatch(ELSEWHERE);
    await button(tabA, 'Pause').click();
    await context.close();
    console.info(`volunteer-tabs: tab A stopped ${stopMs} ms after Take over in tab B`);
  }, 120_000);
});
