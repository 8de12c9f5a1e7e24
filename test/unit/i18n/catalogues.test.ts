// Every catalogue holds every key, with the same arguments as English, and is translated: a
// Chinese text identical to the English one must be listed here as meant to be (names).
import { describe, expect, it } from 'vitest';
import { appCatalogues } from '../../../src/app/i18n/app-catalogues.js';
import { LOCALES } from '../../../src/app/i18n/locale.js';
import { widgetCatalogues } from '../../../src/app/i18n/widget-catalogues.js';
import { formatMessage, messageArguments } from '../../../src/app/i18n/message-format.js';
import type { Catalogues } from '../../../src/app/i18n/translator.js';
import { KEY_SHAPE } from '../../helpers/i18n-keys.js';

/** Texts that are the same in both languages on purpose. */
const SAME_IN_EVERY_LANGUAGE = new Set(['nav.label', 'nav.home']);

const SETS: [string, Catalogues<string>][] = [
  ['app', appCatalogues],
  ['widget', widgetCatalogues],
];

describe.each(SETS)('%s catalogues', (_name, catalogues) => {
  const english = catalogues.en;
  const keys = Object.keys(english).sort();

  it.each(LOCALES)('%s has exactly the English keys', (locale) => {
    expect(Object.keys(catalogues[locale]).sort()).toEqual(keys);
  });

  it.each(LOCALES)('%s shows the arguments English shows, and every text parses', (locale) => {
    for (const key of keys) {
      const text = catalogues[locale][key]!;
      expect(text.trim(), `${locale} ${key} is empty`).not.toBe('');
      const mine = messageArguments(text);
      const theirs = messageArguments(english[key]!);
      // No argument English does not give, and every one English shows is shown here too.
      for (const name of mine.all) expect(theirs.all, `${locale} ${key} uses {${name}}`).toContain(name);
      for (const name of theirs.shown) expect(mine.all, `${locale} ${key} leaves out {${name}}`).toContain(name);
      expect(() => formatMessage(text, {}, locale)).not.toThrow();
    }
  });

  it('Chinese is written in Chinese', () => {
    const han = /\p{Script=Han}/u;
    for (const key of keys) {
      const text = catalogues.zh[key]!;
      if (SAME_IN_EVERY_LANGUAGE.has(key)) expect(text, key).toBe(english[key]);
      // Words must be Chinese; a text of arguments and punctuation alone ("{note}。") has none.
      else if (/\p{L}/u.test(text.replace(/\{\w+\}/g, '')))
        expect(han.test(text), `zh ${key} has no Chinese: ${text}`).toBe(true);
    }
  });

  it('keys are area-prefixed, so a raw key on a page is recognisable', () => {
    for (const key of keys) expect(key).toMatch(KEY_SHAPE);
  });
});
