// The project lead's dashboard and the public leaderboard in real headless Chromium: a published
// batch's bar moves live (no reload) as simulated volunteers lease, return and agree; results
// download as JSONL and CSV; the leaderboard ranks the volunteers; the demo's Mandelbrot picture
// paints tiles as they validate. Every page passes axe-core and is screenshotted at desktop and
// phone sizes into test-results/. Needs `npm run build` first (npm test runs it).
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { chromium, type Browser, type Locator, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mandelbrotReference, type MandelbrotInput } from '../../src/kernels/mandelbrot/reference.js';
import type { ResultLine } from '../../src/protocol/api.js';
import { startServer, type RunningServer } from '../../src/server/serve.js';
import { honest, SimVolunteer, type Behaviour } from '../helpers/sim-volunteer.js';
import { CHROMIUM_ARGS, chromiumPath } from './chromium.js';
import { SCREENSHOTS, publish, startStack, waitUntil, type Stack } from './page-fixture.js';

const DESKTOP = { width: 1280, height: 800 };
/** Each test drives a whole flow (two browsers' worth of pages, axe, screenshots); CI may be busy. */
const FLOW_TIMEOUT_MS = 120_000;
const PHONE = { width: 390, height: 844 };

/** Both sizes, full page, named `<name>-desktop.png` and `<name>-phone.png`; leaves the page at desktop size. */
async function screenshots(page: Page, name: string): Promise<void> {
  for (const [size, viewport] of [
    ['phone', PHONE],
    ['desktop', DESKTOP],
  ] as const) {
    await page.setViewportSize(viewport);
    await page.waitForTimeout(300); // the chart follows its box on the next resize callback
    await page.screenshot({ path: join(SCREENSHOTS, `${name}-${size}.png`), fullPage: true });
  }
}

/** axe-core's violations on the page as it is now, as short readable lines. */
async function axeViolations(page: Page): Promise<string[]> {
  await page.addScriptTag({ path: resolve('node_modules/axe-core/axe.min.js') });
  const violations = await page.evaluate(async () => {
    const axe = (window as unknown as { axe: typeof import('axe-core') }).axe;
    const result = await axe.run(document);
    return result.violations.map((v) => ({ id: v.id, nodes: v.nodes.map((n) => n.target.join(' ')) }));
  });
  return violations.map((v) => `${v.id}: ${v.nodes.join(', ')}`);
}

/** The number the legend shows for one state of one batch. */
async function legendCount(batch: Locator, state: string): Promise<number> {
  return Number((await batch.locator(`[data-count="${state}"]`).textContent())?.replace(/\D/g, '') ?? NaN);
}

async function waitForCounts(batch: Locator, expected: Record<string, number>, what: string): Promise<void> {
  let seen: Record<string, number> = {};
  await waitUntil(
    `${what} (last seen ${JSON.stringify(seen)})`,
    async () => {
      seen = {};
      for (const state of Object.keys(expected)) seen[state] = await legendCount(batch, state);
      return Object.entries(expected).every(([state, n]) => seen[state] === n);
    },
    15_000,
  );
}

/** A minimal RFC 4180 reader: enough to check that the page's CSV quoting round-trips. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') ((cell += '"'), i++);
      else if (c === '"') quoted = false;
      else cell += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') (row.push(cell), (cell = ''));
    else if (c === '\n') (row.push(cell), rows.push(row), (row = []), (cell = ''));
    else if (c !== '\r') cell += c;
  }
  return rows;
}

async function download(page: Page, batch: Locator, button: string): Promise<string> {
  const [file] = await Promise.all([
    page.waitForEvent('download'),
    batch.getByRole('button', { name: button }).click(),
  ]);
  return readFileSync((await file.path())!, 'utf8');
}

describe('project dashboard', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack();
    mkdirSync(SCREENSHOTS, { recursive: true });
  });
  afterAll(async () => stack?.close());

  it(
    'moves a batch live as volunteers work, downloads its results, and ranks the volunteers',
    { timeout: FLOW_TIMEOUT_MS },
    async () => {
      // Quotes and commas in the inputs exercise the CSV quoting.
      const inputs = Array.from({ length: 40 }, (_, n) => ({ n, label: `unit "${n}", echoed` }));
      const published = await publish(
        stack,
        { name: 'Echo survey', description: 'Echoes its inputs.' },
        'dist/test-kernels/echo.wasm',
        {
          inputs,
        },
      );

      const page = await stack.browser.newPage({ viewport: DESKTOP, acceptDownloads: true });
      await page.goto(`${stack.url}/dashboard`);
      await page.getByLabel('Publisher token', { exact: true }).waitFor();
      expect(await axeViolations(page), 'axe, signed out').toEqual([]);
      await screenshots(page, 'dashboard-signed-out');

      await page.getByLabel('Publisher token', { exact: true }).fill('scp_not-a-real-token');
      await page.getByRole('button', { name: 'Sign in' }).click();
      await page.getByRole('alert').filter({ hasText: 'did not accept' }).waitFor();

      await page.getByLabel('Publisher token', { exact: true }).fill(stack.token);
      await page.getByRole('button', { name: 'Sign in' }).click();
      const batch = page.locator(`[data-batch="${published.batch}"]`);
      await waitForCounts(batch, { unsent: 40, inFlight: 0, done: 0 }, 'the new batch shows 40 unsent');
      await expect(batch.getByTestId('progress-bar').getAttribute('aria-label')).resolves.toMatch(
        /^40 units: 0 done, .*40 unsent/,
      );
      await page.getByTestId('live-status').filter({ hasText: 'Live' }).waitFor();

      // From here on the page must update itself: any navigation would be a reload.
      let navigations = 0;
      page.on('framenavigated', (frame) => frame === page.mainFrame() && navigations++);
      await page.evaluate(() => ((window as unknown as { stillHere: boolean }).stillHere = true));

      const [ada, bob] = [new SimVolunteer(stack.url, honest), new SimVolunteer(stack.url, honest)];
      await Promise.all([ada.register(), bob.register()]);
      const adaLeases = await ada.lease(10);
      await waitForCounts(batch, { unsent: 30, inFlight: 10, done: 0 }, 'leased units show in flight');
      await ada.work(adaLeases);
      await waitForCounts(
        batch,
        { unsent: 30, inFlight: 0, validating: 10, done: 0 },
        'returned units show validating',
      );
      await bob.work(await bob.lease(10));
      await waitForCounts(batch, { unsent: 30, validating: 0, done: 10 }, 'agreeing replicas show done');
      await Promise.all([ada.runUntilIdle(), bob.runUntilIdle()]);
      await waitForCounts(batch, { unsent: 0, inFlight: 0, validating: 0, done: 40, error: 0 }, 'the batch is done');

      expect(navigations).toBe(0);
      expect(await page.evaluate(() => (window as unknown as { stillHere?: boolean }).stillHere)).toBe(true);
      await expect(batch.getByTestId('progress-bar').getAttribute('aria-label')).resolves.toMatch(/^40 units: 40 done/);
      await expect(batch.getByTestId('active-volunteers').textContent()).resolves.toBe('2');
      await expect(batch.getByTestId('invalid-rate').textContent()).resolves.toMatch(/^0\s?%$/);
      expect(await batch.locator('.chart-box canvas').count()).toBeGreaterThan(0);
      await expect(batch.locator('.chart-box').getAttribute('aria-label')).resolves.toMatch(/^40 units validated/);
      expect(await axeViolations(page), 'axe, signed in').toEqual([]);
      await screenshots(page, 'dashboard-signed-in');

      const jsonl = (await download(page, batch, 'Download JSONL'))
        .trim()
        .split('\n')
        .map((line) => JSON.parse(line) as ResultLine);
      expect(jsonl.map((line) => line.index)).toEqual(inputs.map((_, i) => i));
      expect(jsonl.map((line) => line.output)).toEqual(inputs);
      const csv = parseCsv(await download(page, batch, 'Download CSV'));
      expect(csv[0]).toEqual(['index', 'input', 'output']);
      expect(
        csv.slice(1).map(([index, input, output]) => [Number(index), JSON.parse(input!), JSON.parse(output!)]),
      ).toEqual(inputs.map((input, i) => [i, input, input]));

      await page.getByRole('button', { name: 'Sign out' }).click();
      await page.getByLabel('Publisher token', { exact: true }).waitFor();
      expect(await page.evaluate(() => sessionStorage.length)).toBe(0);

      const leaderboard = await stack.browser.newPage({ viewport: DESKTOP });
      await leaderboard.goto(`${stack.url}/leaderboard`);
      const names = (
        (await (await fetch(`${stack.url}/api/v1/leaderboard`)).json()) as { volunteers: { name: string }[] }
      ).volunteers.map((v) => v.name);
      expect(names).toHaveLength(2);
      const table = leaderboard.getByTestId('volunteers');
      await table.waitFor();
      for (const name of names) await table.getByRole('rowheader', { name }).waitFor();
      await expect(leaderboard.getByTestId('total-done').textContent()).resolves.toBe('40');
      expect(await axeViolations(leaderboard), 'axe, leaderboard').toEqual([]);
      await screenshots(leaderboard, 'leaderboard');
      await Promise.all([page.close(), leaderboard.close()]);
    },
  );
});

describe('demo picture', () => {
  let server: RunningServer;
  let browser: Browser;
  let dataDir: string;
  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'sc-browser-demo-'));
    server = await startServer({ port: 0, dataDir, demo: true, publicDir: resolve('dist/public'), logger: false });
    browser = await chromium.launch({ executablePath: chromiumPath(), headless: true, args: CHROMIUM_ARGS });
    mkdirSync(SCREENSHOTS, { recursive: true });
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  /** Real Mandelbrot tiles, so the picture has something true to paint. */
  const mandelbrot: Behaviour = (input) =>
    Buffer.from(JSON.stringify(mandelbrotReference(JSON.parse(input.toString()) as MandelbrotInput)));

  /** Pixels the page has painted into the picture (the canvas starts transparent). */
  const paintedPixels = (page: Page) =>
    page.getByTestId('picture-canvas').evaluate((canvas: HTMLCanvasElement) => {
      const data = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height).data;
      let painted = 0;
      for (let i = 3; i < data.length; i += 4) if (data[i]! > 0) painted++;
      return painted;
    });

  it('paints tiles on the leaderboard and the dashboard as they validate', { timeout: FLOW_TIMEOUT_MS }, async () => {
    const page = await browser.newPage({ viewport: DESKTOP });
    await page.goto(`${server.url}/leaderboard`);
    const progress = page.getByTestId('picture-progress');
    await progress.filter({ hasText: 'No tiles computed yet' }).waitFor();
    expect(await paintedPixels(page)).toBe(0);

    const [ada, bob] = [new SimVolunteer(server.url, mandelbrot), new SimVolunteer(server.url, mandelbrot)];
    await Promise.all([ada.register(), bob.register()]);
    const tilePixels = 64 * 64;
    for (const [step, tiles] of [
      [6, 6],
      [14, 20],
    ] as const) {
      await ada.work(await ada.lease(step, ['mandelbrot']));
      await bob.work(await bob.lease(step, ['mandelbrot']));
      await progress.filter({ hasText: `${tiles} of 35 tiles confirmed` }).waitFor({ timeout: 15_000 });
      await waitUntil(`${tiles} tiles are painted`, async () => (await paintedPixels(page)) === tiles * tilePixels);
    }
    await expect(page.getByTestId('picture-canvas').getAttribute('aria-label')).resolves.toMatch(/20 of 35 tiles/);
    expect(await axeViolations(page), 'axe, leaderboard with the picture').toEqual([]);
    await screenshots(page, 'leaderboard-demo');

    // The demo's lead sees the same picture on their dashboard, built up from what is validated.
    const dashboard = await browser.newPage({ viewport: DESKTOP });
    await dashboard.goto(`${server.url}/dashboard`);
    await dashboard.getByLabel('Publisher token', { exact: true }).fill(server.demoToken!);
    await dashboard.getByRole('button', { name: 'Sign in' }).click();
    const picture = dashboard.locator('[data-project="mandelbrot"]').getByTestId('picture-progress');
    await picture.filter({ hasText: '20 of 35 tiles confirmed' }).waitFor({ timeout: 15_000 });
    await waitUntil(
      'the dashboard paints the backlog',
      async () => (await paintedPixels(dashboard)) === 20 * tilePixels,
    );
    expect(await dashboard.locator('[data-project="primes"] canvas.picture-canvas').count()).toBe(0);
    // The lead sees that the project has a work generator, and how far it has gone.
    await expect(
      dashboard.locator('[data-project="mandelbrot"]').getByTestId('project-generator').textContent(),
    ).resolves.toMatch(
      /^Work generator mandelbrot-zoom: \d+ batch(es)? made so far, keeping at least 35 units unsent$/,
    );
    expect(await dashboard.locator('[data-project="primes"]').getByTestId('project-generator').count()).toBe(0);
    expect(await axeViolations(dashboard), 'axe, demo dashboard').toEqual([]);
    await screenshots(dashboard, 'dashboard-demo');

    // The zoom goes on: the first frame completes, the generator's next frame is current, and the
    // finished one moves to the strip, on the leaderboard as on the dashboard.
    await ada.work(await ada.lease(20, ['mandelbrot']));
    await bob.work(await bob.lease(20, ['mandelbrot']));
    const frames = await server.store.listBatches('mandelbrot');
    expect(frames.find((b) => b.batch === 'g_mandelbrot_0')!.done).toBe(true);
    // Trusted by now, the two may have had units accepted alone: count what the server validated.
    const second = frames.find((b) => b.batch === 'g_mandelbrot_1')!.counts.done;
    expect(second).toBeGreaterThan(0);
    for (const shown of [page, dashboard]) {
      const caption = shown.getByTestId('picture-progress').first();
      await caption
        .filter({ hasText: new RegExp(`^${second} of 35 tiles confirmed \\(zoom ×1\\.25\\)`) })
        .waitFor({ timeout: 15_000 });
      const finished = shown.getByTestId('picture-strip').first().locator('li.strip-finished');
      await finished.waitFor({ timeout: 15_000 });
      expect(await finished.getAttribute('data-confirmed')).toBe('35');
      await waitUntil(
        'the current frame shows its tiles',
        async () => (await paintedPixels(shown)) === second * tilePixels,
      );
    }
    expect(await axeViolations(page), 'axe, leaderboard with a strip of frames').toEqual([]);
    await screenshots(page, 'leaderboard-demo-frames');
    await Promise.all([page.close(), dashboard.close()]);
  });
});
