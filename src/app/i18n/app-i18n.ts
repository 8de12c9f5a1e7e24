// The provider and hook the app's pages use: `const { t, number, date } = useI18n()`. English
// comes with the page; Chinese is fetched only when the page shows it.
import type { AppKey } from './app-catalogues.js';
import { en } from './en/index.js';
import { createI18n, type I18n } from './i18n-context.js';

export type AppI18n = I18n<AppKey>;

export const { I18nProvider, useI18n } = createI18n<AppKey>((locale) =>
  locale === 'en' ? en : import('./zh/index.js').then((module) => module.zh),
);
