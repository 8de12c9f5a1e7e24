// Pause is immediate even in the middle of a long unit, and the choice is remembered: a page
// left running resumes by itself after a reload, a paused one stays still.
// Needs `npm run build` first (npm test runs it): the server serves dist/public.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SCREENSHOTS, publish, recordRequests, startStack, statValue, waitUntil, type Stack } from './page-fixture.js';

// The largest range the primes kernel takes: about two seconds of one core per unit.
const LONG_UNIT = { from: 0, to: 4_294_967_296 };

let stack: Stack;

beforeAll(async () => {
  stack = await startStack();
  mkdirSync(SCREENSHOTS, { recursive: true });
});

afterAll(async () => {
  await stack?.close();
});

/** Progress of the first unit in flight, or undefined when none runs. */
async function firstUnitProgress(page: Page): Promise<number | undefined> {
  const bar = page.locator('progress').first();
  if ((await bar.count()) === 0) return undefined;
  return Number(await bar.getAttribute('value'));
}

describe('pausing the volunteer page', () => {
  it('stops a running unit within a second, and remembers the choice across reloads', async () => {
    await publish(stack, { name: 'Prime census, long slices' }, 'dist/kernels/primes.wasm', {
      inputs: Array.from({ length: 6 }, (_, i) => ({ ...LONG_UNIT, from: LONG_UNIT.from + i })),
    });
    const page = await stack.browser.newPage({ viewport: { width: 1000, height: 1100 } });
    const requests = recordRequests(page);
    await page.goto(stack.url);
    // Chromium lets a terminated worker that is busy run on for two seconds; only a cross-origin
    // isolated page can hand its kernels the shared stop flag that ends them sooner.
    expect(
      await page.evaluate(() => crossOriginIsolated),
      'the server must send Cross-Origin-Opener-Policy: same-origin and Cross-Origin-Embedder-Policy: require-corp with the page and its assets',
    ).toBe(true);
    await page.getByRole('button', { name: 'Start', exact: true }).click();
    await waitUntil('a unit is under way', async () => ((await firstUnitProgress(page)) ?? 0) > 0, 20_000);
    await page.screenshot({ path: join(SCREENSHOTS, 'volunteer-page-running.png'), fullPage: true });

    // Left running, the page resumes on its own after a reload: the volunteer already chose.
    await page.reload();
    await waitUntil('the reloaded page runs a worker again', () => page.workers().length >= 1, 10_000);
    await waitUntil(
      'a unit is between 5% and 60% done',
      async () => {
        const fraction = await firstUnitProgress(page);
        return fraction !== undefined && fraction >= 0.05 && fraction <= 0.6;
      },
      20_000,
    );
    const doneBefore = await statValue(page, 'units-done');
    const paused = Date.now();
    await page.getByRole('button', { name: 'Pause' }).click();
    await waitUntil('every worker is gone', () => page.workers().length === 0, 1000);
    expect(Date.now() - paused).toBeLessThan(1000);
    expect(await statValue(page, 'units-in-flight')).toBe(0);

    // The interrupted unit was not finished behind our back.
    const sentBefore = requests.filter((path) => path === '/api/v1/results').length;
    await page.waitForTimeout(2500);
    expect(await statValue(page, 'units-done')).toBe(doneBefore);
    expect(requests.filter((path) => path === '/api/v1/results').length).toBe(sentBefore);
    await expect(page.getByTestId('state').textContent()).resolves.toMatch(/Paused/);

    // Paused, a reload starts nothing.
    const sinceReload = requests.length;
    await page.reload();
    await page.getByRole('button', { name: 'Start', exact: true }).waitFor();
    await page.waitForTimeout(1500);
    expect(page.workers()).toHaveLength(0);
    expect(requests.slice(sinceReload).filter((path) => /^\/api\/v1\/(lease|results|volunteers)/.test(path))).toEqual(
      [],
    );
    await page.close();
  }, 90_000);
});
