// What a message key looks like ("volunteer.consent.title"): the catalogue test holds every key
// to it, and the browser tests look for text of this shape on every page, a key left raw.
export const KEY_SHAPE = /^[a-z]+(\.[a-zA-Z0-9]+)+$/;

/** The same shape, found anywhere in a page's text. */
export const KEY_IN_TEXT =
  /\b(?:nav|language|live|volunteer|dashboard|leaderboard|widget|shared)(?:\.[a-zA-Z0-9]+)+\b/g;
