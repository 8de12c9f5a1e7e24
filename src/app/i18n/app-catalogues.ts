// Both of the app's catalogues, for the tests and for the key type; a page loads only its
// language's (app-i18n.ts). The widget card has its own (widget-catalogues.ts): its frame should
// not carry the pages' text.
import { en } from './en/index.js';
import type { Catalogues } from './translator.js';
import { zh } from './zh/index.js';

export type AppKey = keyof typeof en;

export const appCatalogues: Catalogues<AppKey> = { en, zh };
