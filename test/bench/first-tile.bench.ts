// Click on Start → first tile visible, in real headless Chromium on localhost against a fresh
// `serve --demo` server (issue 12; goal < 1 s). Each round is a first visit (a new browser
// context: no identity, no kernel cached), timed inside the page from the click to the frame in
// which the picture shows the volunteer's own tile; the page's resource timings split that into
// registering, the first lease and the kernel download.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startServer, type RunningServer } from '../../src/server/serve.js';
import { CHROMIUM_ARGS, chromiumPath } from '../browser/chromium.js';
import { report, round } from './report.js';

const ROUNDS = Number(process.env.FIRST_TILE_ROUNDS ?? 10);
const GOAL_MS = 1000;

let server: RunningServer;
let browser: Browser;
let dataDir: string;
beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'sc-bench-first-tile-'));
  server = await startServer({ port: 0, dataDir, demo: true, publicDir: resolve('dist/public'), logger: false });
  browser = await chromium.launch({ executablePath: chromiumPath(), headless: true, args: CHROMIUM_ARGS });
});
afterAll(async () => {
  await browser?.close();
  await server?.close();
  rmSync(dataDir, { recursive: true, force: true });
});

interface Timing {
  tileMs: number;
  registeredMs: number;
  leasedMs: number;
  kernelMs: number;
}

it('click on Start → first own tile visible', async () => {
  const rows: Record<string, string | number>[] = [];
  const timings: Timing[] = [];
  for (let i = 0; i < ROUNDS; i++) {
    const context = await browser.newContext({ viewport: { width: 1200, height: 1000 } });
    const page = await context.newPage();
    await page.goto(server.url);
    await page.getByRole('button', { name: 'Start', exact: true }).waitFor();
    // Timed in the page: the click, then every animation frame until the picture shows an own tile.
    const timing = await page.evaluate(
      () =>
        new Promise<Timing>((done) => {
          const button = [...document.querySelectorAll('button')].find((b) => b.textContent?.trim() === 'Start')!;
          const clicked = performance.now();
          const since = (pattern: RegExp) => {
            const entry = performance
              .getEntriesByType('resource')
              .find((e) => pattern.test(e.name) && e.startTime >= clicked) as PerformanceResourceTiming | undefined;
            return entry ? entry.responseEnd - clicked : -1;
          };
          const look = () => {
            const figure = document.querySelector('figure.picture[data-project="mandelbrot"]');
            if (Number(figure?.getAttribute('data-waiting') ?? 0) >= 1) {
              done({
                tileMs: performance.now() - clicked,
                registeredMs: since(/\/api\/v1\/volunteers$/),
                leasedMs: since(/\/api\/v1\/lease$/),
                kernelMs: since(/\/api\/v1\/kernels\//),
              });
            } else requestAnimationFrame(look);
          };
          button.click();
          requestAnimationFrame(look);
        }),
    );
    timings.push(timing);
    rows.push({
      round: i === 0 ? '1 (fresh server)' : String(i + 1),
      'first tile ms': round(timing.tileMs, 0),
      'registered ms': round(timing.registeredMs, 0),
      'first lease ms': round(timing.leasedMs, 0),
      'kernel ms': round(timing.kernelMs, 0),
    });
    await context.close();
  }
  const sorted = timings.map((t) => t.tileMs).sort((a, b) => a - b);
  const median = sorted[Math.floor(sorted.length / 2)]!;
  rows.push({ round: 'median', 'first tile ms': round(median, 0) });
  report('first-tile', rows, { goalMs: GOAL_MS, medianMs: round(median, 0), maxMs: round(sorted.at(-1)!, 0) });
  expect(sorted.length).toBe(ROUNDS);
});
