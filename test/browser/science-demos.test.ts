// The two science demos on the volunteer page in real headless Chromium: the page (SIMD kernels
// in its Web Workers) and a Node volunteer validate units of the alignment and the Lorenz-96
// projects, each picture builds up from the validated outputs, and the outputs are the
// TypeScript references' bytes. Screenshots of each picture go to test-results/.
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { alignmentReferenceBytes } from '../../src/kernels/alignment/reference.js';
import { lorenz96ReferenceBytes } from '../../src/kernels/lorenz96/reference.js';
import { API_PREFIX } from '../../src/protocol/api.js';
import { SCIENCE_DEMOS } from '../../src/server/demo-science.js';
import { seedDemo } from '../../src/server/seed-demo.js';
import { SCREENSHOTS, startNodeVolunteer, startStack, waitUntil, type Stack } from './page-fixture.js';
import { axeViolations } from './widget-fixture.js';

let stack: Stack;
let seedDir: string;
let demoToken: string;

beforeAll(async () => {
  stack = await startStack();
  mkdirSync(SCREENSHOTS, { recursive: true });
  seedDir = mkdtempSync(join(tmpdir(), 'sc-science-seed-'));
  ({ token: demoToken } = await seedDemo(
    stack.server.store,
    seedDir,
    Date.now(),
    SCIENCE_DEMOS.map((d) => d.id),
  ));
});

afterAll(async () => {
  await stack?.close();
  if (seedDir) rmSync(seedDir, { recursive: true, force: true });
});

interface PublicOutput {
  seq: number;
  input: unknown;
  output: unknown;
}

async function publicOutputs(project: string): Promise<PublicOutput[]> {
  const response = await fetch(`${stack.url}${API_PREFIX}/projects/${project}/outputs?limit=5000`);
  expect(response.status).toBe(200);
  return ((await response.json()) as { outputs: PublicOutput[] }).outputs;
}

/** Leaves only `project` ticked in the page's project list. */
async function chooseOnly(page: Page, project: string): Promise<void> {
  for (const demo of SCIENCE_DEMOS) {
    const box = page.locator(`#project-${demo.id}`);
    if ((await box.isChecked()) !== (demo.id === project)) await box.click();
  }
}

describe('science demos', () => {
  it('validates alignment and Lorenz-96 units from the page and draws both pictures', async () => {
    const page = await stack.browser.newPage({ viewport: { width: 1200, height: 1400 } });
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    await page.goto(stack.url);
    for (const demo of SCIENCE_DEMOS) await page.getByRole('heading', { name: demo.name }).waitFor();
    // Each project's description of its science is on the list.
    await expect(page.getByText(/limit of predictability/).count()).resolves.toBe(1);
    await expect(page.getByText(/Smith–Waterman algorithm/).count()).resolves.toBe(1);

    await chooseOnly(page, 'alignment');
    await page.getByRole('button', { name: 'Start', exact: true }).click();
    let node = await startNodeVolunteer(stack.url, ['alignment']);
    try {
      await waitUntil(
        '20 alignment units are validated',
        async () => (await publicOutputs('alignment')).length >= 20,
        90_000,
      );
      await waitUntil(
        'the alignment picture shows the validated units',
        async () =>
          Number(
            /^(\d+) units validated/.exec(
              (await page
                .getByTestId('alignment-progress')
                .textContent()
                .catch(() => '')) ?? '',
            )?.[1] ?? 0,
          ) >= 20,
        30_000,
      );
    } finally {
      await node.stop();
    }
    const alignment = page.getByTestId('alignment-picture');
    await alignment.scrollIntoViewIfNeeded();
    await alignment.screenshot({ path: join(SCREENSHOTS, 'science-alignment-picture.png') });
    const hits = await page.getByTestId('alignment-hits').locator('tbody tr').count();
    expect(hits).toBeGreaterThan(0);
    // Genome reads score near 300 of 300; the top hit must be one.
    const topScore = Number(
      /^(\d+) of/.exec(
        (await page.getByTestId('alignment-hits').locator('tbody tr td').nth(1).textContent()) ?? '',
      )?.[1],
    );
    expect(topScore).toBeGreaterThan(250);

    const alignmentOutputs = await publicOutputs('alignment');
    for (const { input, output } of alignmentOutputs.slice(0, 6)) {
      const expected = JSON.parse(new TextDecoder().decode(alignmentReferenceBytes(JSON.stringify(input)))) as unknown;
      expect(output).toEqual(expected);
    }

    await chooseOnly(page, 'lorenz96');
    node = await startNodeVolunteer(stack.url, ['lorenz96']);
    try {
      await waitUntil(
        '40 ensemble members are validated',
        async () => (await publicOutputs('lorenz96')).length >= 40,
        120_000,
      );
      await waitUntil(
        'the ensemble picture shows the validated members',
        async () =>
          Number(
            /^(\d+) members/.exec(
              (await page
                .getByTestId('ensemble-progress')
                .textContent()
                .catch(() => '')) ?? '',
            )?.[1] ?? 0,
          ) >= 40,
        30_000,
      );
    } finally {
      await node.stop();
    }
    const ensemble = page.getByTestId('ensemble-picture');
    await ensemble.scrollIntoViewIfNeeded();
    // uPlot draws on the next animation frame.
    await page.waitForTimeout(500);
    await ensemble.screenshot({ path: join(SCREENSHOTS, 'science-ensemble-picture.png') });
    const canvasInk = await ensemble.locator('canvas').evaluate((canvas: HTMLCanvasElement) => {
      const data = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height).data;
      let ink = 0;
      for (let i = 3; i < data.length; i += 4) if (data[i]! > 0) ink++;
      return ink / (data.length / 4);
    });
    expect(canvasInk).toBeGreaterThan(0.01);

    const lorenzOutputs = await publicOutputs('lorenz96');
    for (const { input, output } of lorenzOutputs.slice(0, 6)) {
      const expected = JSON.parse(new TextDecoder().decode(lorenz96ReferenceBytes(JSON.stringify(input)))) as unknown;
      expect(output).toEqual(expected);
    }
    // The ensemble spreads: members start a millionth away and end orders of magnitude further.
    const distances = lorenzOutputs.map((o) => (o.output as { distance: number[] }).distance);
    for (const d of distances) {
      expect(d[0]).toBeLessThan(1e-5);
      expect(d.at(-1)).toBeGreaterThan(1);
    }

    // Both pictures together once both projects are ticked again.
    await page.locator('#project-alignment').click();
    await page.getByTestId('alignment-picture').waitFor();
    await page.getByTestId('ensemble-picture').waitFor();
    await page.waitForTimeout(500);
    await page.locator('.science-card').screenshot({ path: join(SCREENSHOTS, 'science-card.png') });
    await page.screenshot({ path: join(SCREENSHOTS, 'science-volunteer-page.png'), fullPage: true });
    expect(await axeViolations(page), 'axe, volunteer page with the science pictures').toEqual([]);
    // Nothing sticks out sideways on a phone, the charts included.
    await page.setViewportSize({ width: 390, height: 844 });
    await page.waitForTimeout(300);
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    await page.locator('.science-card').screenshot({ path: join(SCREENSHOTS, 'science-card-phone.png') });
    expect(errors).toEqual([]);
    await page.close();

    // The demo's lead sees both pictures on their dashboard too.
    const dashboard = await stack.browser.newPage({ viewport: { width: 1200, height: 1400 } });
    await dashboard.goto(`${stack.url}/dashboard`);
    await dashboard.getByLabel('Publisher token', { exact: true }).fill(demoToken);
    await dashboard.getByRole('button', { name: 'Sign in' }).click();
    await dashboard.locator('[data-project="lorenz96"]').getByTestId('ensemble-picture').waitFor();
    await dashboard.locator('[data-project="alignment"]').getByTestId('alignment-hits').waitFor();
    await dashboard.waitForTimeout(500);
    await dashboard.screenshot({ path: join(SCREENSHOTS, 'science-dashboard.png'), fullPage: true });
    expect(await axeViolations(dashboard), 'axe, dashboard with the science pictures').toEqual([]);
    await dashboard.close();
  });
});
