// Which language a page speaks: the visitor's own choice if they made one here, else the first
// of navigator.languages we have a catalogue for, else English. The choice is kept in
// localStorage under the app's prefix, so "Forget me" removes it with the rest.

export const LOCALES = ['en', 'zh'] as const;
export type Locale = (typeof LOCALES)[number];

/** The BCP 47 tag for <html lang> and Intl: Simplified Chinese as written in mainland China. */
export const LOCALE_TAGS: Record<Locale, string> = { en: 'en', zh: 'zh-CN' };

/** Each language named in itself, for the switch. */
export const LOCALE_NAMES: Record<Locale, string> = { en: 'English', zh: '简体中文' };

/** Same prefix as preferences.ts (KEY_PREFIX); kept literal so the widget card need not import it. */
export const LOCALE_KEY = 'sparecycles.locale';

export function isLocale(value: unknown): value is Locale {
  return typeof value === 'string' && (LOCALES as readonly string[]).includes(value);
}

/**
 * The first preferred language we can serve. Any Chinese (zh-TW and zh-Hant too) gets the
 * Simplified catalogue: we have no Traditional one, and it is closer to them than English.
 */
export function matchLocale(languages: readonly string[]): Locale {
  for (const language of languages) {
    const primary = language.toLowerCase().split(/[-_]/)[0];
    if (isLocale(primary)) return primary;
  }
  return 'en';
}

export function readStoredLocale(): Locale | undefined {
  try {
    const value = localStorage.getItem(LOCALE_KEY);
    return isLocale(value) ? value : undefined;
  } catch {
    return undefined;
  }
}

export function storeLocale(locale: Locale): void {
  try {
    localStorage.setItem(LOCALE_KEY, locale);
  } catch {
    // storage disabled: the switch holds for this page view only
  }
}

/** The locale a page starts in. */
export function initialLocale(): Locale {
  const nav = globalThis.navigator;
  return readStoredLocale() ?? matchLocale(nav?.languages?.length ? nav.languages : [nav?.language ?? 'en']);
}
