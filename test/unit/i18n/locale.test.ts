// Which language a page starts in: the first of the visitor's languages we can serve.
import { describe, expect, it } from 'vitest';
import { matchLocale } from '../../../src/app/i18n/locale.js';

describe('matchLocale', () => {
  it('takes the first language with a catalogue', () => {
    expect(matchLocale(['zh-CN', 'en-US'])).toBe('zh');
    expect(matchLocale(['fr-FR', 'en-GB', 'zh-CN'])).toBe('en');
    expect(matchLocale(['de', 'zh_TW'])).toBe('zh');
    expect(matchLocale(['zh-Hant-HK'])).toBe('zh');
  });

  it('falls back to English', () => {
    expect(matchLocale([])).toBe('en');
    expect(matchLocale(['fr', 'ja'])).toBe('en');
  });
});
