// The widget card's catalogues: the card's frame carries these and the core, nothing of the pages.
import { widget as en } from './en/widget.js';
import type { MessageParams } from './message-format.js';
import type { Catalogues } from './translator.js';
import { widget as zh } from './zh/widget.js';

export type WidgetKey = keyof typeof en;

export const widgetCatalogues: Catalogues<WidgetKey> = { en, zh };

/** Something the card has to say, kept as a key so it follows the card's language. */
export interface WidgetNotice {
  key: WidgetKey;
  params?: MessageParams;
}
