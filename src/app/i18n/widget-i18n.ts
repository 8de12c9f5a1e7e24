// The provider and hook of the widget's card. Its catalogues are small: both come with the card.
import { createI18n } from './i18n-context.js';
import { widgetCatalogues } from './widget-catalogues.js';

export const { I18nProvider: WidgetI18nProvider, useI18n: useWidgetI18n } = createI18n(
  (locale) => widgetCatalogues[locale],
);
