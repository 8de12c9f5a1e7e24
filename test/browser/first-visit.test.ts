// A first visit that pays off at once (issue 12), in real headless Chromium on a fresh demo
// server: the lone volunteer's first Mandelbrot tile is painted within 2 s of its result,
// washed out and counted as waiting for a second opinion, with nothing called validated; once a
// second (Node) volunteer agrees, the same tile shows as confirmed, exactly as computed, and the
// credit rises. A start leases the picture's units first, then follows the volunteer's choice.
// The page is held to one unit (its later lease requests get no units) so the tile under test
// stays the one on screen.
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mandelbrotReference, type MandelbrotInput } from '../../src/kernels/mandelbrot/reference.js';
import { tilePixels } from '../../src/app/shared/mandelbrot-tiles.js';
import { startServer, type RunningServer } from '../../src/server/serve.js';
import { SimVolunteer, type Behaviour } from '../helpers/sim-volunteer.js';
import { CHROMIUM_ARGS, chromiumPath } from './chromium.js';
import { SCREENSHOTS, statValue, waitUntil } from './page-fixture.js';

interface KeptResult {
  lease: string;
  project: string;
  input: string;
  finishedAt: number;
  status: string;
}

const mandelbrot: Behaviour = (input) =>
  Buffer.from(JSON.stringify(mandelbrotReference(JSON.parse(input.toString()) as MandelbrotInput)));

/** The page's own results, from its IndexedDB (empty until the page made the database). */
const ownResults = (page: Page) =>
  page.evaluate(
    () =>
      new Promise<KeptResult[]>((done, fail) => {
        const open = indexedDB.open('sparecycles-own-results');
        open.onupgradeneeded = () => open.transaction?.abort();
        open.onerror = (event) => {
          event.preventDefault();
          done([]);
        };
        open.onsuccess = () => {
          const db = open.result;
          const all = db.transaction('results').objectStore('results').getAll();
          all.onsuccess = () => {
            db.close();
            done(all.result as KeptResult[]);
          };
          all.onerror = () => fail(new Error(String(all.error)));
        };
      }),
  );

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

/** RGBA of a rectangle of the picture's main canvas. */
const region = (page: Page, x: number, y: number, w: number, h: number) =>
  page
    .locator('figure.picture[data-project="mandelbrot"]')
    .getByTestId('picture-canvas')
    .evaluate(
      (canvas: HTMLCanvasElement, [x, y, w, h]) =>
        Array.from(canvas.getContext('2d')!.getImageData(x!, y!, w!, h!).data),
      [x, y, w, h],
    );

describe('first visit', () => {
  let server: RunningServer;
  let browser: Browser;
  let dataDir: string;
  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'sc-first-visit-'));
    server = await startServer({ port: 0, dataDir, demo: true, publicDir: resolve('dist/public'), logger: false });
    browser = await chromium.launch({ executablePath: chromiumPath(), headless: true, args: CHROMIUM_ARGS });
    mkdirSync(SCREENSHOTS, { recursive: true });
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('paints the first own tile at once as waiting, then as confirmed with credit', { timeout: 90_000 }, async () => {
    // No service worker: it would hide the page's lease requests from the route below.
    const context = await browser.newContext({ viewport: { width: 1200, height: 1100 }, serviceWorkers: 'block' });
    const page = await context.newPage();
    const asked: { projects?: string[] }[] = [];
    await page.route('**/api/v1/lease', async (route) => {
      const body = JSON.parse(route.request().postData() ?? '{}') as { projects?: string[] };
      asked.push(body);
      if (asked.length > 1) return route.fulfill({ json: { leases: [] } });
      return route.continue({ postData: JSON.stringify({ ...body, max: 1 }) });
    });
    await page.goto(server.url);
    await page.getByRole('button', { name: 'Start', exact: true }).click();

    const picture = page.locator('figure.picture[data-project="mandelbrot"]');
    await waitUntil(
      'an own tile shows',
      async () => Number(await picture.getAttribute('data-waiting').catch(() => '0')) >= 1,
      20_000,
    );
    const paintedAt = Date.now();
    // A start leases the picture's units first, whatever else is waiting; then the volunteer's choice (all).
    expect(asked[0]!.projects).toEqual(['mandelbrot']);
    await waitUntil('the page leases again', () => asked.length > 1, 10_000);
    expect(asked.at(-1)!.projects).toBeUndefined();
    const [result] = await ownResults(page);
    expect(result).toMatchObject({ project: 'mandelbrot', status: 'waiting' });
    expect(paintedAt - result!.finishedAt).toBeLessThan(2000);

    const input = JSON.parse(Buffer.from(result!.input, 'base64').toString()) as MandelbrotInput;
    const plain = Array.from(tilePixels({ ...mandelbrotReference(input), width: input.width, height: input.height }));
    const shown = await region(page, input.x, input.y, input.w, input.h);
    // Painted (opaque), but not as a confirmed tile is: washed out and outlined.
    expect(shown.filter((_, i) => i % 4 === 3).every((alpha) => alpha === 255)).toBe(true);
    expect(shown).not.toEqual(plain);
    await expect(picture.getByTestId('picture-waiting').textContent()).resolves.toMatch(
      /1 of yours waiting for a second opinion/,
    );
    await expect(picture.getByTestId('picture-progress').textContent()).resolves.toMatch(/^0 of 35 tiles confirmed/);
    await expect(page.getByText('yours, waiting for a second opinion')).toBeDefined();
    await waitUntil('the counters say it waits', async () => (await statValue(page, 'waiting')) === 1, 5000);
    // Nothing unvalidated is called validated, here or on the public leaderboard.
    expect(await statValue(page, 'validated')).toBe(0);
    expect(await statValue(page, 'credit')).toBe(0);
    const board = (await (await fetch(`${server.url}/api/v1/leaderboard`)).json()) as { volunteers: unknown[] };
    expect(board.volunteers).toEqual([]);
    await page.screenshot({ path: join(SCREENSHOTS, 'first-visit-waiting.png'), fullPage: true });
    expect(await axeViolations(page), 'axe, an own tile waiting').toEqual([]);

    // A second volunteer computes the same tile: the server validates it.
    const second = new SimVolunteer(server.url, mandelbrot);
    await second.register();
    await second.work(await second.lease(35, ['mandelbrot']));
    await waitUntil(
      'the tile shows as confirmed',
      async () =>
        (await picture.getAttribute('data-confirmed')) === '1' && (await picture.getAttribute('data-waiting')) === '0',
      15_000,
    );
    expect(await region(page, input.x, input.y, input.w, input.h)).toEqual(plain);
    // The page also learns it of its own result (the picture may have had it from the public outputs first).
    await waitUntil(
      'the kept result is confirmed',
      async () => (await ownResults(page))[0]?.status === 'confirmed',
      15_000,
    );
    await waitUntil(
      'the counters say it is confirmed and credited',
      async () =>
        (await statValue(page, 'validated')) === 1 &&
        (await statValue(page, 'credit')) > 0 &&
        (await statValue(page, 'waiting')) === 0,
      15_000,
    );
    await expect(picture.getByTestId('picture-progress').textContent()).resolves.toMatch(/^1 of 35 tiles confirmed/);
    await page.screenshot({ path: join(SCREENSHOTS, 'first-visit-confirmed.png'), fullPage: true });
    await context.close();
  });
});
