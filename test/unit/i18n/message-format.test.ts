// The message format the catalogues are written in: arguments, numbers and plurals formatted
// for the locale, nested branches, and malformed templates refused rather than half-shown.
import { describe, expect, it } from 'vitest';
import { formatMessage, messageArguments } from '../../../src/app/i18n/message-format.js';

describe('formatMessage', () => {
  it('puts arguments in place and formats numbers for the locale', () => {
    expect(formatMessage('Hello {name}', { name: 'Ada' }, 'en')).toBe('Hello Ada');
    expect(formatMessage('{n} units', { n: 12345.67 }, 'en')).toBe('12,345.7 units');
    expect(formatMessage('{n, number} units', { n: 1234567 }, 'de')).toBe('1.234.567 units');
    expect(formatMessage('共 {n} 个', { n: 12345 }, 'zh-CN')).toBe('共 12,345 个');
  });

  it('chooses plural branches by the locale’s rules, exact matches first', () => {
    const template = '{n, plural, =0 {nothing yet} one {# unit} other {# units}} done';
    expect(formatMessage(template, { n: 0 }, 'en')).toBe('nothing yet done');
    expect(formatMessage(template, { n: 1 }, 'en')).toBe('1 unit done');
    expect(formatMessage(template, { n: 2048 }, 'en')).toBe('2,048 units done');
    // Chinese has no singular: "one" is never chosen.
    expect(formatMessage('{n, plural, one {一个} other {# 个}}', { n: 1 }, 'zh-CN')).toBe('1 个');
  });

  it('nests arguments inside branches, and select picks by value', () => {
    const template = '{kind, select, tile {{n, plural, one {# tile} other {# tiles}} of {name}} other {{n} of {name}}}';
    expect(formatMessage(template, { kind: 'tile', n: 3, name: 'Mandelbrot' }, 'en')).toBe('3 tiles of Mandelbrot');
    expect(formatMessage(template, { kind: 'unit', n: 3, name: 'Primes' }, 'en')).toBe('3 of Primes');
  });

  it('shows a missing argument as itself, so a page test can find it', () => {
    expect(formatMessage('Running {count} units', {}, 'en')).toBe('Running {count} units');
  });

  it('refuses malformed templates', () => {
    expect(() => formatMessage('a {b', {}, 'en')).toThrow(/unclosed/);
    expect(() => formatMessage('a } b', {}, 'en')).toThrow(/unbalanced/);
    expect(() => formatMessage('{n, plural, one {x}}', { n: 1 }, 'en')).toThrow(/other/);
    expect(() => formatMessage('{n, date}', { n: 1 }, 'en')).toThrow(/unknown argument type/);
  });

  it('lists the arguments a template uses, in branches too, and those it shows', () => {
    expect(messageArguments('{a} {n, plural, other {# of {b}}} {a}')).toEqual({
      all: ['a', 'b', 'n'],
      shown: ['a', 'b', 'n'],
    });
    // n only picks the word: a language without plurals may leave it out.
    expect(messageArguments('{count} signed {n, plural, one {receipt} other {receipts}}')).toEqual({
      all: ['count', 'n'],
      shown: ['count'],
    });
  });
});
