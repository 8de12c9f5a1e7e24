// Issue 12 for the Lorenz-96 ensemble, in real headless Chromium on a fresh demo server: a lone
// volunteer's own member is drawn in the chart the moment it finishes, dashed in the waiting
// colour with a legend, while the caption's validated count stays the server's (none); once a
// second (Node) volunteer agrees, the member is drawn as a validated one, counted once, and
// nothing dashed is left. The page is held to one unit so the member under test is the only one.
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { chromium, type Browser, type Locator, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { lorenz96ReferenceBytes } from '../../src/kernels/lorenz96/reference.js';
import { API_PREFIX } from '../../src/protocol/api.js';
import { startServer, type RunningServer } from '../../src/server/serve.js';
import { SimVolunteer, type Behaviour } from '../helpers/sim-volunteer.js';
import { CHROMIUM_ARGS, chromiumPath } from './chromium.js';
import { SCREENSHOTS, statValue, waitUntil } from './page-fixture.js';

const lorenz96: Behaviour = (input) => Buffer.from(lorenz96ReferenceBytes(input.toString()));

/** Leaves only `project` ticked in the page's project list. */
async function chooseOnly(page: Page, project: string): Promise<void> {
  const boxes = page.locator('input[type="checkbox"][id^="project-"]');
  for (let i = 0; i < (await boxes.count()); i++) {
    const box = boxes.nth(i);
    if ((await box.isChecked()) !== ((await box.getAttribute('id')) === `project-${project}`)) await box.click();
  }
}

/** Pixels of the chart's canvas in the waiting colour (--own-waiting, a violet no other line uses). */
const waitingInk = (picture: Locator) =>
  picture.locator('canvas').evaluate((canvas: HTMLCanvasElement) => {
    const data = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height).data;
    let ink = 0;
    for (let i = 0; i < data.length; i += 4) {
      const [r, g, b, a] = [data[i]!, data[i + 1]!, data[i + 2]!, data[i + 3]!];
      if (a > 100 && b - g > 30 && r - g > 10) ink++;
    }
    return ink;
  });

const attribute = async (picture: Locator, name: string) => Number(await picture.getAttribute(name).catch(() => -1));

describe('own ensemble members', () => {
  let server: RunningServer;
  let browser: Browser;
  let dataDir: string;
  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'sc-ensemble-own-'));
    server = await startServer({ port: 0, dataDir, demo: true, publicDir: resolve('dist/public'), logger: false });
    browser = await chromium.launch({ executablePath: chromiumPath(), headless: true, args: CHROMIUM_ARGS });
    mkdirSync(SCREENSHOTS, { recursive: true });
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('draws the own member at once as waiting, then as validated once confirmed', { timeout: 120_000 }, async () => {
    const context = await browser.newContext({ viewport: { width: 1200, height: 1400 }, serviceWorkers: 'block' });
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    let leases = 0;
    await page.route('**/api/v1/lease', async (route) => {
      const body = JSON.parse(route.request().postData() ?? '{}') as Record<string, unknown>;
      if (++leases > 1) return route.fulfill({ json: { leases: [] } });
      return route.continue({ postData: JSON.stringify({ ...body, max: 1 }) });
    });
    await page.goto(server.url);
    await page.getByRole('heading', { name: 'Lorenz-96', exact: false }).first().waitFor();
    await chooseOnly(page, 'lorenz96');
    await page.getByRole('button', { name: 'Start', exact: true }).click();

    const picture = page.getByTestId('ensemble-picture');
    await waitUntil(
      'the own member is drawn as waiting',
      async () => (await attribute(picture, 'data-waiting')) === 1,
      30_000,
    );
    // Nothing unvalidated is called validated: the caption keeps the server's count.
    expect(await attribute(picture, 'data-validated')).toBe(0);
    await expect(page.getByTestId('ensemble-progress').textContent()).resolves.toBe('No members validated yet');
    await expect(page.getByTestId('ensemble-waiting').textContent()).resolves.toBe(
      '1 of yours waiting for a second opinion',
    );
    await expect(page.getByTestId('ensemble-legend').textContent()).resolves.toContain(
      'yours, waiting for a second opinion',
    );
    await expect(page.getByTestId('ensemble-legend').textContent()).resolves.toContain('validated member');
    await picture.scrollIntoViewIfNeeded();
    // uPlot draws on the next animation frame.
    await waitUntil('the dashed line is on the canvas', async () => (await waitingInk(picture)) > 50, 5000);
    expect(await statValue(page, 'validated')).toBe(0);
    await picture.screenshot({ path: join(SCREENSHOTS, 'ensemble-own-waiting.png') });

    // A second volunteer computes the first members, the page's among them: the server validates it.
    const second = new SimVolunteer(server.url, lorenz96);
    await second.register();
    await second.work(await second.lease(8, ['lorenz96']));
    const outputs = (await (await fetch(`${server.url}${API_PREFIX}/projects/lorenz96/outputs?limit=100`)).json()) as {
      outputs: unknown[];
    };
    // Only the page's unit has two results: exactly one member is validated.
    expect(outputs.outputs).toHaveLength(1);
    await waitUntil(
      'the member is drawn as validated, once',
      async () =>
        (await attribute(picture, 'data-waiting')) === 0 && (await attribute(picture, 'data-validated')) === 1,
      15_000,
    );
    await expect(page.getByTestId('ensemble-progress').textContent()).resolves.toMatch(/^1 members? validated/);
    await expect(page.getByTestId('ensemble-waiting').count()).resolves.toBe(0);
    await waitUntil('no dashed line is left', async () => (await waitingInk(picture)) === 0, 5000);
    await waitUntil(
      'the page learns it was confirmed',
      async () => (await attribute(picture, 'data-own-confirmed')) === 1,
      15_000,
    );
    await page.waitForTimeout(300);
    await picture.screenshot({ path: join(SCREENSHOTS, 'ensemble-own-confirmed.png') });
    expect(errors).toEqual([]);
    await context.close();
  });
});
