// The provider and hook the app's pages use: `const { t, number, date } = useI18n()`.
import { appCatalogues } from './app-catalogues.js';
import { createI18n } from './i18n-context.js';

export const { I18nProvider, useI18n } = createI18n(appCatalogues);
