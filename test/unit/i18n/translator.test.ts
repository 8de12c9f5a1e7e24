// A translator formats text, numbers and dates for its locale, from its own catalogue.
import { describe, expect, it } from 'vitest';
import { createTranslator, type Catalogues } from '../../../src/app/i18n/translator.js';

const catalogues: Catalogues<'a.count' | 'a.when'> = {
  en: { 'a.count': '{n, plural, one {# unit} other {# units}}', 'a.when': 'Updated {time}' },
  zh: { 'a.count': '{n} 个单元', 'a.when': '更新于 {time}' },
};
const at = Date.UTC(2026, 11, 7, 12, 0);

describe('createTranslator', () => {
  it('speaks its locale', () => {
    const en = createTranslator(catalogues.en, 'en');
    const zh = createTranslator(catalogues.zh, 'zh');
    expect([en.locale, en.tag, zh.locale, zh.tag]).toEqual(['en', 'en', 'zh', 'zh-CN']);
    expect(en.t('a.count', { n: 1 })).toBe('1 unit');
    expect(en.t('a.count', { n: 1200 })).toBe('1,200 units');
    expect(zh.t('a.count', { n: 1200 })).toBe('1,200 个单元');
  });

  it('formats numbers and dates the locale’s way', () => {
    const en = createTranslator(catalogues.en, 'en');
    const zh = createTranslator(catalogues.zh, 'zh');
    expect(en.number(0.25, { style: 'percent' })).toBe('25%');
    expect(zh.number(0.25, { style: 'percent' })).toBe('25%');
    const day = { dateStyle: 'long', timeZone: 'UTC' } as const;
    expect(en.date(at, day)).toBe('December 7, 2026');
    expect(zh.date(at, day)).toBe('2026年12月7日');
    expect(zh.t('a.when', { time: zh.date(at, { weekday: 'short', timeZone: 'UTC' }) })).toBe('更新于 周一');
  });
});
