// A translator binds one locale's catalogue: t(key, params) for text, and the locale's own
// number and date formats (Intl), so every figure on a page reads the way its words do.
import { LOCALE_TAGS, type Locale } from './locale.js';
import { formatMessage, type MessageParams } from './message-format.js';

/** One catalogue: every key a page may show, each mapped to its text in one language. */
export type Catalogue<K extends string> = Record<K, string>;
/** All languages' catalogues for one set of keys; the type makes each one complete. */
export type Catalogues<K extends string> = Record<Locale, Catalogue<K>>;

export interface Translator<K extends string> {
  locale: Locale;
  /** The BCP 47 tag: for `lang` attributes and Intl. */
  tag: string;
  t(key: K, params?: MessageParams): string;
  number(value: number, options?: Intl.NumberFormatOptions): string;
  date(value: Date | number, options?: Intl.DateTimeFormatOptions): string;
}

export function createTranslator<K extends string>(catalogue: Catalogue<K>, locale: Locale): Translator<K> {
  const tag = LOCALE_TAGS[locale];
  const formats = new Map<string, Intl.NumberFormat | Intl.DateTimeFormat>();
  // Formatters are costly to build and pages format the same few shapes over and over.
  const formatter = <F>(kind: string, options: object | undefined, make: () => F): F => {
    const id = kind + JSON.stringify(options ?? {});
    let format = formats.get(id) as F | undefined;
    if (!format) formats.set(id, (format = make()) as Intl.NumberFormat);
    return format;
  };
  return {
    locale,
    tag,
    // A key missing from a catalogue cannot compile; at run time it would show as itself.
    t: (key, params) => formatMessage(catalogue[key] ?? key, params, tag),
    number: (value, options) => formatter('n', options, () => new Intl.NumberFormat(tag, options)).format(value),
    date: (value, options) => formatter('d', options, () => new Intl.DateTimeFormat(tag, options)).format(value),
  };
}
