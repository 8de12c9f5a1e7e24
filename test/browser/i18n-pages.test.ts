// The volunteer page, the dashboard and the leaderboard for a reader whose browser asks for
// Chinese (navigator.languages = ['zh-CN']), in real headless Chromium on a demo server: each
// page speaks Chinese (<html lang>, headings, no raw key or English left), draws every character
// in a real font, clips no text at desktop and phone sizes, passes axe, and the switch back to
// English holds across a reload and on the other pages. Needs `npm run build` first.
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appCatalogues } from '../../src/app/i18n/app-catalogues.js';
import { alignmentReferenceBytes } from '../../src/kernels/alignment/reference.js';
import { lorenz96ReferenceBytes } from '../../src/kernels/lorenz96/reference.js';
import { mandelbrotReference, type MandelbrotInput } from '../../src/kernels/mandelbrot/reference.js';
import { DEMO_PROJECTS } from '../../src/server/seed-demo.js';
import { startServer, type RunningServer } from '../../src/server/serve.js';
import { SimVolunteer, type Behaviour } from '../helpers/sim-volunteer.js';
import { CHROMIUM_ARGS, chromiumPath } from './chromium.js';
import { clippedText, englishLeftovers, missingGlyphs, rawKeys } from './i18n-checks.js';
import { SCREENSHOTS, recordRequests, statValue, waitUntil } from './page-fixture.js';
import { axeViolations } from './widget-fixture.js';

const DESKTOP = { width: 1280, height: 800 };
const PHONE = { width: 390, height: 844 };
const { en, zh } = appCatalogues;
/** The demo projects' descriptions as a Chinese reader sees them. */
const DEMO_ZH = DEMO_PROJECTS.map((p) => p.descriptions.zh!);

let server: RunningServer;
let browser: Browser;
let dataDir: string;

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'sc-browser-i18n-'));
  server = await startServer({ port: 0, dataDir, demo: true, publicDir: resolve('dist/public'), logger: false });
  browser = await chromium.launch({ executablePath: chromiumPath(), headless: true, args: CHROMIUM_ARGS });
  mkdirSync(SCREENSHOTS, { recursive: true });
  // Two volunteers agree on a few units of the picture projects, so the pictures, the totals and
  // the rankings have something to show.
  const honestDemo: Behaviour = (input, lease) => {
    const text = input.toString();
    if (lease.project === 'lorenz96') return Buffer.from(lorenz96ReferenceBytes(text));
    if (lease.project === 'alignment') return Buffer.from(alignmentReferenceBytes(text));
    return Buffer.from(JSON.stringify(mandelbrotReference(JSON.parse(text) as MandelbrotInput)));
  };
  const [ada, bob] = [new SimVolunteer(server.url, honestDemo), new SimVolunteer(server.url, honestDemo)];
  await Promise.all([ada.register(), bob.register()]);
  for (const [project, units] of [
    ['mandelbrot', 6],
    ['lorenz96', 3],
    ['alignment', 2],
  ] as const) {
    await ada.work(await ada.lease(units, [project]));
    await bob.work(await bob.lease(units, [project]));
  }
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
  rmSync(dataDir, { recursive: true, force: true });
});

/** Everything a reader of `name` in Chinese would notice, at desktop and phone sizes. */
async function checkChinese(page: Page, name: string): Promise<void> {
  expect(await page.evaluate(() => document.documentElement.lang), name).toBe('zh-CN');
  expect(await rawKeys(page), `${name}: raw keys`).toEqual([]);
  expect(await englishLeftovers(page, en, zh), `${name}: English left`).toEqual([]);
  expect(await missingGlyphs(page), `${name}: characters without a glyph`).toEqual(['\u{F0001}']);
  expect(await axeViolations(page), `${name}: axe`).toEqual([]);
  for (const [size, viewport] of [
    ['desktop', DESKTOP],
    ['phone', PHONE],
  ] as const) {
    await page.setViewportSize(viewport);
    await page.waitForTimeout(300); // charts follow their box on the next resize callback
    expect(await clippedText(page), `${name} (${size}): clipped text`).toEqual([]);
    await page.screenshot({ path: join(SCREENSHOTS, `zh-${name}-${size}.png`), fullPage: true });
  }
  await page.setViewportSize(DESKTOP);
}

describe('an English reader', () => {
  it('loads no Chinese catalogue until the page is switched to Chinese', async () => {
    const context = await browser.newContext({ locale: 'en-GB', viewport: DESKTOP });
    const page = await context.newPage();
    const requests = recordRequests(page);
    await page.goto(`${server.url}/leaderboard`);
    await page.getByRole('heading', { name: en['leaderboard.headline'], exact: true }).waitFor();
    const chinese = (path: string) => /\/assets\/zh-[^/]*\.js$/.test(path);
    expect(requests.filter(chinese)).toEqual([]);
    await page.getByTestId('language').selectOption('zh');
    await page.getByRole('heading', { name: zh['leaderboard.headline'], exact: true }).waitFor();
    expect(requests.filter(chinese)).toHaveLength(1);
    await context.close();
  });
});

describe('pages in Chinese', () => {
  let context: BrowserContext;
  beforeAll(async () => {
    // Playwright's locale sets navigator.languages (and Accept-Language) for the context.
    context = await browser.newContext({ locale: 'zh-CN', viewport: DESKTOP });
  });
  afterAll(async () => {
    await context?.close();
  });

  it('shows the volunteer page in Chinese, before and after Start', async () => {
    const page = await context.newPage();
    await page.goto(server.url);
    expect(await page.evaluate(() => navigator.languages)).toEqual(['zh-CN']);
    await page.getByRole('heading', { name: zh['volunteer.headline'] }).waitFor();
    await expect(page.title()).resolves.toBe(zh['volunteer.title']);
    await expect(page.getByTestId('state').textContent()).resolves.toContain(zh['volunteer.state.ready']);
    // The demo projects carry Chinese descriptions: those are shown, not the English ones.
    for (const text of DEMO_ZH) await page.getByText(text, { exact: true }).waitFor();
    for (const { description } of DEMO_PROJECTS) await expect(page.getByText(description).count()).resolves.toBe(0);
    await checkChinese(page, 'volunteer-first-visit');

    // After Start the live and contribution panels show too; numbers are the locale's.
    await page.getByRole('button', { name: zh['volunteer.consent.start'], exact: true }).click();
    await waitUntil('a unit is done', async () => (await statValue(page, 'units-done')) > 0, 60_000);
    await page.getByRole('button', { name: zh['volunteer.consent.pause'], exact: true }).click();
    await expect(page.getByTestId('state').textContent()).resolves.toContain(zh['volunteer.state.paused']);
    await page.getByRole('heading', { name: zh['volunteer.contribution.title'] }).waitFor();
    await page.getByRole('heading', { name: zh['volunteer.live.title'] }).waitFor();
    // The science demos' pictures, with what has validated so far.
    await page.getByRole('heading', { name: zh['science.title'] }).waitFor();
    await page
      .getByTestId('ensemble-progress')
      .filter({ hasText: /已验证 \d+ 个成员/ })
      .waitFor();
    await page
      .getByTestId('alignment-progress')
      .filter({ hasText: /已验证 \d+ 个单元/ })
      .waitFor();
    await page.waitForTimeout(300); // uPlot draws on the next frame
    await checkChinese(page, 'volunteer-after-start');
    await page.close();
  });

  it('shows the leaderboard in Chinese', async () => {
    const page = await context.newPage();
    await page.goto(`${server.url}/leaderboard`);
    await page.getByRole('heading', { name: zh['leaderboard.headline'], exact: true }).waitFor();
    await page.getByTestId('picture-progress').filter({ hasText: '已确认 6 / ' }).waitFor();
    await page.getByTestId('volunteers').waitFor();
    await checkChinese(page, 'leaderboard');
    await page.close();
  });

  it('shows the dashboard in Chinese, signed out and signed in', async () => {
    const page = await context.newPage();
    await page.goto(`${server.url}/dashboard`);
    await page.getByRole('heading', { name: zh['dashboard.signIn.title'] }).waitFor();
    // A refusal is said in Chinese too.
    await page.getByLabel(zh['dashboard.signIn.label'], { exact: true }).fill('scp_not-a-real-token');
    await page.getByRole('button', { name: zh['dashboard.signIn.submit'] }).click();
    await page.getByRole('alert').filter({ hasText: zh['dashboard.signIn.rejected'] }).waitFor();
    await checkChinese(page, 'dashboard-sign-in');

    await page.getByLabel(zh['dashboard.signIn.label'], { exact: true }).fill(server.demoToken!);
    await page.getByRole('button', { name: zh['dashboard.signIn.submit'] }).click();
    await page.locator('[data-project="mandelbrot"]').getByTestId('picture-progress').waitFor();
    await page.getByTestId('live-status').filter({ hasText: zh['live.live'] }).waitFor();
    for (const text of DEMO_ZH) await page.getByText(text, { exact: true }).waitFor();
    await page.getByTestId('alignment-hits').waitFor();
    await checkChinese(page, 'dashboard');
    await page.close();
  });

  it('switches back to English in the page, in other open tabs too, and remembers it across a reload and on every page', async () => {
    const page = await context.newPage();
    await page.goto(server.url);
    await page.getByRole('heading', { name: zh['volunteer.headline'] }).waitFor();
    const other = await context.newPage();
    await other.goto(`${server.url}/leaderboard`);
    await other.getByRole('heading', { name: zh['leaderboard.headline'], exact: true }).waitFor();
    await page.getByTestId('language').selectOption('en');
    await page.getByRole('heading', { name: en['volunteer.headline'] }).waitFor();
    // A page open in another tab follows at once.
    await other.getByRole('heading', { name: en['leaderboard.headline'], exact: true }).waitFor();
    expect(await other.evaluate(() => document.documentElement.lang)).toBe('en');
    await other.close();
    expect(await page.evaluate(() => document.documentElement.lang)).toBe('en');
    await expect(page.title()).resolves.toBe(en['volunteer.title']);

    await page.reload();
    await page.getByRole('heading', { name: en['volunteer.headline'] }).waitFor();
    expect(await page.evaluate(() => document.documentElement.lang)).toBe('en');
    expect(await rawKeys(page)).toEqual([]);
    // In English, the projects' own (English) descriptions.
    for (const { description } of DEMO_PROJECTS) await page.getByText(description, { exact: true }).waitFor();
    for (const [path, heading] of [
      ['/leaderboard', en['leaderboard.headline']],
      ['/dashboard', en['dashboard.headline']],
    ] as const) {
      await page.goto(`${server.url}${path}`);
      await page.getByRole('heading', { name: heading, exact: true }).waitFor();
      expect(await page.evaluate(() => document.documentElement.lang), path).toBe('en');
    }
    // And to Chinese again from another page: the choice is one for the whole site.
    await page.getByTestId('language').selectOption('zh');
    await page.getByRole('heading', { name: zh['dashboard.headline'], exact: true }).waitFor();
    await page.goto(server.url);
    await page.getByRole('heading', { name: zh['volunteer.headline'] }).waitFor();
    await page.close();
  });
});
