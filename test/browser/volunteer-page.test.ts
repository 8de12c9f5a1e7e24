// The volunteer's first visit in real headless Chromium: the page says what it would do and
// does nothing until Start; after Start its Web Workers compute units that a Node volunteer
// replicates, the server validates both and the page shows the credit; Pause ends the workers.
// Needs `npm run build` first (npm test runs it): the server serves dist/public.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { primesReference, type PrimesInput } from '../../src/kernels/primes/reference.js';
import {
  SCREENSHOTS,
  batchResults,
  batchStatus,
  publish,
  recordRequests,
  startNodeVolunteer,
  startStack,
  statValue,
  waitUntil,
  type Stack,
} from './page-fixture.js';

/** Requests that would mean work started: identity, leasing, kernels, results, the worker script. */
const WORK_REQUEST = /^\/api\/v1\/(volunteers|lease|kernels|results|leases)\b|kernel-worker/;

let stack: Stack;

beforeAll(async () => {
  stack = await startStack();
  mkdirSync(SCREENSHOTS, { recursive: true });
});

afterAll(async () => {
  await stack?.close();
});

describe('volunteer page', () => {
  it('computes nothing before Start, then computes, gets validated and credited, and pauses at once', async () => {
    const inputs: PrimesInput[] = Array.from({ length: 8 }, (_, i) => ({ from: i * 200_000, to: (i + 1) * 200_000 }));
    const published = await publish(
      stack,
      { name: 'Prime census', description: 'Counts the primes below two million, in slices.' },
      'dist/kernels/primes.wasm',
      { inputs },
    );

    const page = await stack.browser.newPage({ viewport: { width: 1000, height: 1100 } });
    const requests = recordRequests(page);
    await page.goto(stack.url);
    await page.getByRole('heading', { name: 'Prime census' }).waitFor();
    // Give a misbehaving page time to start something on its own.
    await page.waitForTimeout(1500);

    expect(requests.filter((path) => WORK_REQUEST.test(path))).toEqual([]);
    expect(requests).toContain('/api/v1/projects');
    expect(page.workers()).toHaveLength(0);
    const databases = await page.evaluate(async () => (await indexedDB.databases()).map((db) => db.name));
    expect(databases).toEqual([]);
    await expect(page.getByTestId('state').textContent()).resolves.toMatch(/Not running/);
    await page.screenshot({ path: join(SCREENSHOTS, 'volunteer-page-before-start.png'), fullPage: true });

    await page.getByRole('button', { name: 'Start', exact: true }).click();
    await waitUntil('the page runs a Web Worker', () => page.workers().length >= 1, 15_000);
    const node = await startNodeVolunteer(stack.url);
    try {
      await waitUntil('the batch is validated', async () => (await batchStatus(stack, published.batch)).done, 45_000);
      await waitUntil(
        'the page shows validated units and credit',
        async () => (await statValue(page, 'validated')) > 0 && (await statValue(page, 'credit')) > 0,
        15_000,
      );
    } finally {
      await node.stop();
    }

    const status = await batchStatus(stack, published.batch);
    expect(status.counts).toMatchObject({ done: inputs.length, error: 0 });
    const results = await batchResults(stack, published.batch);
    expect(results.map((r) => r.output)).toEqual(inputs.map((input) => primesReference(input)));
    // Two replicas never go to one volunteer, so the page computed one of each unit.
    expect(await statValue(page, 'units-done')).toBe(inputs.length);
    await expect(page.getByTestId('pseudonym').textContent()).resolves.toMatch(/\S/);
    expect(page.workers().length).toBeGreaterThanOrEqual(1);
    const afterStart = await page.evaluate(async () => (await indexedDB.databases()).map((db) => db.name));
    expect(afterStart).toContain('sparecycles');
    await page.screenshot({ path: join(SCREENSHOTS, 'volunteer-page-after-start.png'), fullPage: true });
    await page.setViewportSize({ width: 390, height: 844 });
    await page.screenshot({ path: join(SCREENSHOTS, 'volunteer-page-phone.png'), fullPage: true });

    const paused = Date.now();
    await page.getByRole('button', { name: 'Pause' }).click();
    await waitUntil('every worker is gone', () => page.workers().length === 0, 1000);
    expect(Date.now() - paused).toBeLessThan(1000);
    await expect(page.getByTestId('state').textContent()).resolves.toMatch(/Paused/);
    await expect(page.getByRole('button', { name: 'Resume' }).isVisible()).resolves.toBe(true);
    await page.close();
  }, 90_000);
});
