// The volunteer page in real Chromium, when things go wrong: a reload mid-unit resumes from the
// kernel's checkpoint; a database made under the page's name without its stores is repaired;
// kernels that loop, trap, return 100 MB or hog memory are stopped and reported as errors while
// the page stays responsive; offline, results wait in the IndexedDB outbox while buffered units
// keep computing, and all of them upload once back online.
// Needs `npm run build` first (npm test runs it): the server serves dist/public and dist/*kernels.
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { batchStatus, publish, readStore, startStack, statValue, waitUntil, type Stack } from './page-fixture.js';

/** Pressure stays 'nominal' and the battery charging, whatever the machine running the test does. */
function calmSensors() {
  const battery = Object.assign(new EventTarget(), { charging: true, level: 1, chargingTime: 0, dischargingTime: 0 });
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

/** A click probe: how long after the browser received each click its handler ran. */
function installClickProbe() {
  const button = document.createElement('button');
  button.id = 'sc-probe';
  button.textContent = 'probe';
  button.style.cssText = 'position:fixed;bottom:0;right:0;z-index:99999';
  const delays: number[] = [];
  button.addEventListener('click', (event) => delays.push(performance.now() - event.timeStamp));
  document.body.append(button);
  Object.assign(window, { __clickDelays: delays });
}

async function firstUnitProgress(page: Page): Promise<number | undefined> {
  const bar = page.locator('progress').first();
  if ((await bar.count()) === 0) return undefined;
  return Number(await bar.getAttribute('value'));
}

let stack: Stack;
let context: BrowserContext | undefined;

beforeAll(async () => {
  stack = await startStack();
});

afterAll(async () => {
  await context?.close();
  await stack?.close();
});

async function openPage(threads: number): Promise<Page> {
  await context?.close();
  context = await stack.browser.newContext({ viewport: { width: 1200, height: 900 } });
  await context.addInitScript(calmSensors);
  const page = await context.newPage();
  await page.goto(stack.url);
  const cores = await page.evaluate(() => navigator.hardwareConcurrency);
  await page.getByLabel('Threads').selectOption(String(Math.min(threads, cores)));
  return page;
}

const ALONE = { quorum: 1, maxResults: 1, replication: 'full' as const };

describe('a volunteer page that survives a real browser', () => {
  it('resumes a unit from its checkpoint after a reload, and its result validates', async () => {
    // About ten seconds of one core: long enough to reload in the middle.
    const from = 100_000_000;
    const to = from + 24_000_000;
    const { batch } = await publish(stack, { name: 'Collatz, one long unit' }, 'dist/kernels/collatz.wasm', {
      inputs: [{ from, to }],
      maxRunSeconds: 240,
      ...ALONE,
    });
    const page = await openPage(1);
    // Before Start the page has no database yet, and looking must not make one (an empty one
    // would lack the page's stores; that race once hung this test on a loaded machine).
    expect(await readStore(page, 'checkpoints')).toEqual([]);
    await page.getByRole('button', { name: 'Start', exact: true }).click();

    let saved = 0;
    await waitUntil(
      'a checkpoint past 25% is stored',
      async () => {
        const [record] = (await readStore(page, 'checkpoints')) as ({ state: Uint8Array } | undefined)[];
        if (!record) return false;
        const view = new DataView(new Uint8Array(Object.values(record.state)).buffer);
        saved = (Number(view.getBigUint64(24, true)) - from) / (to - from);
        return saved >= 0.25;
      },
      60_000,
    );
    await page.reload();
    // The page was left running, so it starts again by itself and picks the buffered unit up.
    let first = 0;
    await waitUntil(
      'the resumed unit reports progress',
      async () => (first = (await firstUnitProgress(page)) ?? 0) > 0,
    );
    expect(first).toBeGreaterThanOrEqual(saved);
    await waitUntil('the unit validates', async () => (await batchStatus(stack, batch)).counts.done === 1, 60_000);
    expect((await readStore(page, 'checkpoints')).length).toBe(0);
  }, 200_000); // longer than its waits together, so a wait that fails names itself

  it('repairs a database another script made under its name, and computes', async () => {
    const { batch } = await publish(stack, { name: 'Primes, after a bare open' }, 'dist/kernels/primes.wasm', {
      inputs: [{ from: 0, to: 20_000 }],
      ...ALONE,
    });
    const page = await openPage(1);
    // What a bare indexedDB.open does to a name that does not exist: an empty version 1.
    const made = await page.evaluate(
      () =>
        new Promise<number>((resolve, reject) => {
          const open = indexedDB.open('sparecycles');
          open.onsuccess = () => {
            resolve(open.result.objectStoreNames.length);
            open.result.close();
          };
          open.onerror = () => reject(open.error);
        }),
    );
    expect(made).toBe(0);
    await page.getByRole('button', { name: 'Start', exact: true }).click();
    await waitUntil('the unit validates', async () => (await batchStatus(stack, batch)).counts.done === 1, 60_000);
    expect(await readStore(page, 'settings', 'credentials')).toHaveLength(1);
  }, 90_000);

  it('stops kernels that loop, trap, return 100 MB or hog memory, reports each, and stays responsive', async () => {
    const faulty = ['loop', 'trap', 'huge-output', 'memory-hog'];
    const batches: string[] = [];
    for (const name of faulty) {
      const published = await publish(stack, { name: `Faulty: ${name}` }, `dist/test-kernels/${name}.wasm`, {
        inputs: [{ n: 1 }],
        maxRunSeconds: 3,
        ...ALONE,
      });
      batches.push(published.batch);
    }
    const page = await openPage(2);
    await page.evaluate(installClickProbe);
    await page.getByRole('button', { name: 'Start', exact: true }).click();
    await waitUntil('a worker runs', () => page.workers().length >= 1, 15_000);
    const allReported = async () => {
      const statuses = await Promise.all(batches.map((batch) => batchStatus(stack, batch)));
      return statuses.every((status) => status.counts.error === 1);
    };
    // Click while the faulty kernels run and are stopped; every click is handled at once.
    while (!(await allReported())) {
      await page.click('#sc-probe');
      await page.waitForTimeout(100);
      if ((await page.evaluate(() => (window as unknown as { __clickDelays: number[] }).__clickDelays.length)) > 400)
        throw new Error('the faulty kernels were not all reported within 40 s');
    }
    const delays = await page.evaluate(() => (window as unknown as { __clickDelays: number[] }).__clickDelays);
    expect(delays.length).toBeGreaterThan(5);
    expect(Math.max(...delays)).toBeLessThan(100);
    for (const batch of batches) {
      const status = await batchStatus(stack, batch);
      expect(status.counts).toMatchObject({ error: 1, done: 0 });
    }
  }, 90_000);

  it('offline, keeps computing into the IndexedDB outbox, and uploads everything once back online', async () => {
    const inputs = Array.from({ length: 8 }, (_, i) => ({ from: 1 + i * 3_000_000, to: (i + 1) * 3_000_000 }));
    const { batch, units } = await publish(stack, { name: 'Collatz, short units' }, 'dist/kernels/collatz.wasm', {
      inputs,
      ...ALONE,
    });
    const page = await openPage(2);
    await page.getByRole('button', { name: 'Start', exact: true }).click();
    await waitUntil('a unit is under way', async () => ((await firstUnitProgress(page)) ?? 0) > 0, 30_000);

    await context!.setOffline(true);
    const doneOffline = await statValue(page, 'units-done');
    await waitUntil('results pile up in the outbox', async () => (await readStore(page, 'outbox')).length >= 2, 60_000);
    // Units kept computing while nothing could be sent.
    expect(await statValue(page, 'units-done')).toBeGreaterThan(doneOffline);
    const before = await batchStatus(stack, batch);
    expect(before.counts.done).toBeLessThan(units);

    await context!.setOffline(false);
    await waitUntil(
      'every unit is validated',
      async () => (await batchStatus(stack, batch)).counts.done === units,
      90_000,
    );
    await waitUntil('the outbox is empty', async () => (await readStore(page, 'outbox')).length === 0, 30_000);
  }, 240_000); // longer than its waits together
});
