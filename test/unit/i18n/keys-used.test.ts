// Every key of the English catalogues is used by some page or the card (a key nobody shows is
// a translation nobody reads), and the source holds no key the catalogues lack: t() is typed
// by the catalogue, but a key can also hide in a plain string table.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { appCatalogues } from '../../../src/app/i18n/app-catalogues.js';
import { widgetCatalogues } from '../../../src/app/i18n/widget-catalogues.js';
import { KEY_IN_TEXT } from '../../helpers/i18n-keys.js';

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory())
      return path.endsWith(join('app', 'i18n', 'en')) || path.endsWith(join('app', 'i18n', 'zh')) ? [] : sources(path);
    return /\.tsx?$/.test(name) ? [path] : [];
  });
}

const code = [...sources('src/app'), ...sources('src/widget')].map((file) => readFileSync(file, 'utf8')).join('\n');
const known = new Set([...Object.keys(appCatalogues.en), ...Object.keys(widgetCatalogues.en)]);

describe('message keys', () => {
  it('are each used in the source', () => {
    const unused = [...known].filter((key) => !code.includes(`'${key}'`) && !code.includes(`"${key}"`));
    expect(unused).toEqual([]);
  });

  it('in the source all exist in the catalogues', () => {
    const quoted = [...code.matchAll(/'([a-z]+(?:\.[a-zA-Z0-9]+)+)'/g)].map((m) => m[1]!);
    const keyLike = quoted.filter((text) => new RegExp(`^${KEY_IN_TEXT.source}$`).test(text));
    expect(keyLike.filter((key) => !known.has(key))).toEqual([]);
  });
});
