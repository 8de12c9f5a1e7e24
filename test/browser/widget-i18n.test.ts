// The widget's card for a visitor whose browser asks for Chinese: it speaks Chinese, draws every
// character, still fits its frame (nothing scrolls or is cut off inside the 340 px frame, which
// takes the card's height) at desktop and phone widths, passes axe, names its frame in Chinese
// for screen readers on the host page, and its own switch back to English is remembered.
// The loader's 3 KB budget is widget.test.ts's. Needs `npm run build` first.
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { widgetCatalogues } from '../../src/app/i18n/widget-catalogues.js';
import { englishLeftovers, missingGlyphs, rawKeys } from './i18n-checks.js';
import { SCREENSHOTS, publish } from './page-fixture.js';
import { axeViolations, card, cardFrame, startWidgetStack, type WidgetStack } from './widget-fixture.js';

const { en, zh } = widgetCatalogues;
let stack: WidgetStack;

beforeAll(async () => {
  stack = await startWidgetStack();
});

afterAll(async () => {
  await stack?.close();
});

/** How the card's content compares with the frame the loader gave it. */
async function fit(page: Page) {
  const frame = await page.locator('iframe[title^="Spare Cycles"]').boundingBox();
  const content = await cardFrame(page).evaluate(() => ({
    scrollWidth: document.documentElement.scrollWidth,
    scrollHeight: document.documentElement.scrollHeight,
    clientWidth: document.documentElement.clientWidth,
    clientHeight: document.documentElement.clientHeight,
    card: document.querySelector('main.card')!.getBoundingClientRect().height,
  }));
  return { frame: frame!, ...content };
}

describe('widget card in Chinese', () => {
  it('speaks Chinese, fits its frame at desktop and phone widths, and switches back to English', async () => {
    const context = await stack.browser.newContext({ locale: 'zh-CN', viewport: { width: 1280, height: 800 } });
    const page = await context.newPage();
    await page.goto(`${stack.hostOrigin}/embed-demo.html`);
    await card(page).getByRole('button', { name: zh['widget.start'], exact: true }).waitFor();
    const frame = cardFrame(page);
    expect(await frame.evaluate(() => document.documentElement.lang)).toBe('zh-CN');
    await card(page).getByText(zh['widget.pitch']).waitFor();
    expect(await rawKeys(frame)).toEqual([]);
    expect(await englishLeftovers(frame, en, zh)).toEqual([]);
    expect(await missingGlyphs(frame)).toEqual(['\u{F0001}']);
    expect(await axeViolations(frame)).toEqual([]);
    // The loader names the frame in the card's language.
    await expect(page.locator('iframe').first().getAttribute('title')).resolves.toBe(zh['widget.frameTitle']);

    for (const [size, viewport] of [
      ['desktop', { width: 1280, height: 800 }],
      ['phone', { width: 390, height: 844 }],
    ] as const) {
      await page.setViewportSize(viewport);
      await page.waitForTimeout(300); // the card reports its new height; the loader applies it
      const measured = await fit(page);
      expect(measured.scrollWidth, `${size}: nothing wider than the frame`).toBeLessThanOrEqual(measured.clientWidth);
      expect(measured.scrollHeight, `${size}: nothing taller than the frame`).toBeLessThanOrEqual(
        measured.clientHeight,
      );
      expect(
        Math.abs(measured.frame.height - measured.card),
        `${size}: the frame takes the card's height`,
      ).toBeLessThan(2);
      await card(page)
        .locator('main.card')
        .screenshot({ path: join(SCREENSHOTS, `zh-widget-card-${size}.png`) });
    }
    await page.setViewportSize({ width: 1280, height: 800 });

    // Running, the card's fullest state, in Chinese: still inside the frame at both widths.
    await publish(stack, { name: '素数普查' }, 'dist/kernels/primes.wasm', {
      inputs: Array.from({ length: 4 }, (_, i) => ({ from: i * 100_000, to: (i + 1) * 100_000 })),
      quorum: 1,
    });
    await page.reload();
    await card(page).getByText(zh['widget.helps'].replace('{projects}', '素数普查')).waitFor();
    await card(page).getByRole('button', { name: zh['widget.start'], exact: true }).click();
    await card(page)
      .getByRole('status')
      .filter({ hasText: /已完成 [1-9]\d* 个单元/ })
      .waitFor({ timeout: 30_000 });
    for (const [size, viewport] of [
      ['phone', { width: 390, height: 844 }],
      ['desktop', { width: 1280, height: 800 }],
    ] as const) {
      await page.setViewportSize(viewport);
      await page.waitForTimeout(300);
      const measured = await fit(page);
      expect(measured.scrollHeight, `running, ${size}`).toBeLessThanOrEqual(measured.clientHeight);
      expect(measured.scrollWidth, `running, ${size}`).toBeLessThanOrEqual(measured.clientWidth);
      expect(await rawKeys(cardFrame(page))).toEqual([]);
      expect(await englishLeftovers(cardFrame(page), en, zh)).toEqual([]);
      await card(page)
        .locator('main.card')
        .screenshot({ path: join(SCREENSHOTS, `zh-widget-running-${size}.png`) });
    }
    await card(page).getByRole('button', { name: zh['widget.stop'] }).click();
    await card(page).getByRole('button', { name: zh['widget.start'], exact: true }).waitFor();

    // "No thanks" in Chinese too, still inside the frame.
    await card(page).getByRole('button', { name: zh['widget.noThanks'] }).click();
    await card(page).getByText(zh['widget.declined']).waitFor();
    expect((await fit(page)).scrollHeight).toBeLessThanOrEqual((await fit(page)).clientHeight);
    await card(page).getByRole('button', { name: zh['widget.change'] }).click();

    // The card's own switch: English, remembered by the card across a reload.
    await card(page).getByRole('button', { name: 'English', exact: true }).click();
    await card(page).getByRole('button', { name: en['widget.start'], exact: true }).waitFor();
    expect(await cardFrame(page).evaluate(() => document.documentElement.lang)).toBe('en');
    await page.reload();
    // "No thanks" stands ("Change" only reopens the card), now said in English.
    await card(page).getByText(en['widget.declined']).waitFor();
    await expect(page.locator('iframe').first().getAttribute('title')).resolves.toBe(en['widget.frameTitle']);
    expect(await rawKeys(cardFrame(page))).toEqual([]);
    await context.close();
  });
});
