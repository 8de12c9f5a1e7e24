// What the language tests look for on a rendered page: message keys or `{arguments}` left raw,
// English left in a Chinese page, text clipped by its box, and characters drawn as missing-glyph
// boxes ("tofu") because no font on the machine has them.
import type { Frame, Page } from 'playwright-core';
import { KEY_IN_TEXT } from '../helpers/i18n-keys.js';

/** Texts of the page and the attributes people hear or see (labels, titles, placeholders). */
export async function visibleTexts(target: Page | Frame): Promise<string[]> {
  return target.evaluate(() => {
    const texts = [document.title, document.body.innerText];
    for (const element of document.querySelectorAll('*')) {
      for (const name of ['aria-label', 'title', 'placeholder', 'alt', 'aria-valuetext']) {
        const value = element.getAttribute(name);
        if (value) texts.push(value);
      }
    }
    return texts;
  });
}

/** Message keys and unfilled arguments anywhere in the page's text. */
export async function rawKeys(target: Page | Frame): Promise<string[]> {
  const found = new Set<string>();
  for (const text of await visibleTexts(target)) {
    for (const match of text.matchAll(KEY_IN_TEXT)) found.add(match[0]);
    for (const match of text.matchAll(/\{[a-zA-Z]+(?:,[^}]*)?\}/g)) found.add(match[0]);
  }
  return [...found];
}

/**
 * English catalogue texts (whole sentences and multi-word labels) that show in the page: in a
 * Chinese page each one is a string that escaped translation (names, the same in both, aside). Texts with arguments are matched
 * on their longest literal run.
 */
export async function englishLeftovers(
  target: Page | Frame,
  english: Record<string, string>,
  translated: Record<string, string>,
): Promise<string[]> {
  const page = (await visibleTexts(target)).join('\n');
  const left: string[] = [];
  for (const [key, text] of Object.entries(english)) {
    if (translated[key] === text) continue; // the same in both (names)
    const literal = text
      .split(/\{[^{}]*\}/)
      .map((piece) => piece.trim())
      .sort((a, b) => b.length - a.length)[0]!;
    if (literal.length >= 12 && /[a-z] [a-z]/i.test(literal) && page.includes(literal)) left.push(`${key}: ${literal}`);
  }
  return left;
}

/**
 * Elements whose text does not fit their box and is cut off (overflow hidden or clipped), and
 * whether the page itself is wider than the viewport (a phone would scroll sideways).
 */
export async function clippedText(target: Page | Frame): Promise<string[]> {
  return target.evaluate(() => {
    const clipped: string[] = [];
    if (document.documentElement.scrollWidth > document.documentElement.clientWidth + 1) {
      clipped.push(
        `the page is ${document.documentElement.scrollWidth}px wide in a ${document.documentElement.clientWidth}px viewport`,
      );
    }
    for (const element of document.body.querySelectorAll<HTMLElement>('*')) {
      if (element.closest('.visually-hidden, svg, canvas, .uplot')) continue;
      const hasText = [...element.childNodes].some((n) => n.nodeType === Node.TEXT_NODE && n.textContent!.trim());
      if (!hasText) continue;
      const style = getComputedStyle(element);
      const cuts = (overflow: string) => overflow !== 'visible';
      const wide = cuts(style.overflowX) && element.scrollWidth > element.clientWidth + 1;
      const tall = cuts(style.overflowY) && element.scrollHeight > element.clientHeight + 1;
      const ellipsis = style.textOverflow === 'ellipsis' && element.scrollWidth > element.clientWidth + 1;
      if (wide || tall || ellipsis)
        clipped.push(`${element.tagName.toLowerCase()}: ${element.textContent!.trim().slice(0, 60)}`);
    }
    return clipped;
  });
}

/**
 * Han characters of the page that the page's own font draws exactly like a code point no font
 * has (a private-use one): those show as boxes. Each distinct character is drawn once. A second
 * private-use code point is always in the answer: it shows the check can see a box at all.
 */
export async function missingGlyphs(target: Page | Frame): Promise<string[]> {
  return target.evaluate(() => {
    const chars = [...new Set(document.body.innerText.match(/\p{Script=Han}/gu) ?? []), '\u{F0001}'];
    const font = getComputedStyle(document.body.querySelector('h1') ?? document.body).font;
    const canvas = document.createElement('canvas');
    canvas.width = 40;
    canvas.height = 40;
    const context = canvas.getContext('2d', { willReadFrequently: true })!;
    const draw = (char: string) => {
      context.clearRect(0, 0, 40, 40);
      context.font = font.replace(/\d+(\.\d+)?px/, '28px');
      context.fillText(char, 4, 32);
      return context.getImageData(0, 0, 40, 40).data.join(',');
    };
    const tofu = draw('\u{F0000}');
    return chars.filter((char) => draw(char) === tofu);
  });
}
