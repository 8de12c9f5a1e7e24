// What a message key looks like ("volunteer.consent.start"): the catalogue test holds every key
// to it, and the browser tests look for text of this shape on every page, a key left raw.
import { appCatalogues } from '../../src/app/i18n/app-catalogues.js';
import { widgetCatalogues } from '../../src/app/i18n/widget-catalogues.js';

export const KEY_SHAPE = /^[a-z]+(\.[a-zA-Z0-9]+)+$/;

/** The areas keys start with, from the catalogues themselves: a new area is looked for too. */
const AREAS = [
  ...new Set([...Object.keys(appCatalogues.en), ...Object.keys(widgetCatalogues.en)].map((key) => key.split('.')[0]!)),
];

/** A key of any area, found anywhere in a page's text. */
export const KEY_IN_TEXT = new RegExp(`\\b(?:${AREAS.join('|')})(?:\\.[a-zA-Z0-9]+)+\\b`, 'g');
