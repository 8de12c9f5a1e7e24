// The provider and hook the app's pages use: `const { t, number, date } = useI18n()`.
import { appCatalogues, type AppKey } from './app-catalogues.js';
import { createI18n, type I18n } from './i18n-context.js';

export type AppI18n = I18n<AppKey>;

export const { I18nProvider, useI18n } = createI18n(appCatalogues);
