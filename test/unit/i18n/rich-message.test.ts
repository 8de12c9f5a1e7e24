// Elements as message arguments: each lands where its language puts it, once, with the text
// around it intact, and a plain argument still goes through the message format.
import { h } from 'preact';
import { describe, expect, it } from 'vitest';
import { richMessage } from '../../../src/app/i18n/i18n-context.js';
import { createTranslator, type Catalogues } from '../../../src/app/i18n/translator.js';

const catalogues: Catalogues<'a.who' | 'a.total'> = {
  en: {
    'a.who': 'You are {name} on this server.',
    'a.total': '{total} credit in {count} signed {n, plural, one {receipt} other {receipts}}',
  },
  zh: { 'a.who': '你在本服务器上的化名是 {name}。', 'a.total': '{count} 张签名收据，共 {total} 积分' },
};

describe('richMessage', () => {
  it('puts an element where each language puts it', () => {
    const name = h('strong', null, 'Ada');
    expect(richMessage(createTranslator(catalogues.en, 'en'), 'a.who', { name })).toEqual([
      'You are ',
      name,
      ' on this server.',
    ]);
    expect(richMessage(createTranslator(catalogues.zh, 'zh'), 'a.who', { name })).toEqual([
      '你在本服务器上的化名是 ',
      name,
      '。',
    ]);
  });

  it('keeps elements in the order of the text, and formats the other arguments', () => {
    const total = h('strong', null, '15');
    const count = h('span', null, '6');
    const en = richMessage(createTranslator(catalogues.en, 'en'), 'a.total', { total, count, n: 6 });
    expect(en).toEqual([total, ' credit in ', count, ' signed receipts']);
    const zh = richMessage(createTranslator(catalogues.zh, 'zh'), 'a.total', { total, count, n: 6 });
    expect(zh).toEqual([count, ' 张签名收据，共 ', total, ' 积分']);
  });
});
