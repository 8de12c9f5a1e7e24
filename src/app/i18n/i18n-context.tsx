// The Preact side: a provider holding the page's locale and a hook giving its translator.
// Switching re-renders the page in place (once the language's catalogue is here), sets
// <html lang> and is remembered for next time.
import { createContext, type ComponentChildren, type VNode } from 'preact';
import { useContext, useEffect, useLayoutEffect, useMemo, useRef, useState } from 'preact/hooks';
import { LOCALE_KEY, initialLocale, isLocale, storeLocale, type Locale } from './locale.js';
import { createTranslator, type Catalogue, type Translator } from './translator.js';

export interface I18n<K extends string> extends Translator<K> {
  setLocale(locale: Locale): void;
  /** Like t, with elements for some arguments: "You are {name} on this server", name in <strong>. */
  rich(key: K, params: Record<string, string | number | VNode>): ComponentChildren;
}

interface ProviderProps<K extends string> {
  children: ComponentChildren;
  /** Set as document.title in the page's language, if given. */
  titleKey?: K;
}

/** One language's catalogue, at once or once fetched (a language a page rarely shows). English must come at once: it is the fallback. */
export type LoadCatalogue<K extends string> = (locale: Locale) => Catalogue<K> | Promise<Catalogue<K>>;

/** What the provider shows: a locale with its catalogue, both ready. */
interface Shown<K extends string> {
  locale: Locale;
  catalogue: Catalogue<K>;
}

/** A provider and hook for one set of catalogues (the app's pages, or the widget card's). */
export function createI18n<K extends string>(load: LoadCatalogue<K>) {
  const Context = createContext<I18n<K> | undefined>(undefined);

  function I18nProvider({ children, titleKey }: ProviderProps<K>) {
    const [shown, setShown] = useState<Shown<K> | undefined>(() => {
      const locale = initialLocale();
      const catalogue = load(locale);
      return catalogue instanceof Promise ? undefined : { locale, catalogue };
    });
    // The latest locale asked for: a slow fetch of an earlier choice must not win over it.
    const wanted = useRef<Locale | undefined>(undefined);
    const show = (locale: Locale) => {
      wanted.current = locale;
      const catalogue = load(locale);
      if (!(catalogue instanceof Promise)) return setShown({ locale, catalogue });
      catalogue.then(
        (loaded) => wanted.current === locale && setShown({ locale, catalogue: loaded }),
        // Not fetched (offline before the page was cached): the page stays in, or falls back to, English.
        () =>
          wanted.current === locale &&
          setShown((old) => old ?? { locale: 'en', catalogue: load('en') as Catalogue<K> }),
      );
    };
    // A page that starts in a fetched language shows once its catalogue is here.
    useEffect(() => {
      if (!shown) show(initialLocale());
    }, []);
    // A switch in another tab of this site applies here too.
    useEffect(() => {
      const follow = (event: StorageEvent) => {
        if (event.key === LOCALE_KEY && isLocale(event.newValue)) show(event.newValue);
      };
      addEventListener('storage', follow);
      return () => removeEventListener('storage', follow);
    }, []);
    const i18n = useMemo<I18n<K> | undefined>(
      () =>
        shown && {
          ...withRich(createTranslator(shown.catalogue, shown.locale)),
          setLocale: (next) => {
            storeLocale(next);
            show(next);
          },
        },
      [shown],
    );
    // Before paint: the browser picks CJK glyphs and hyphenation by <html lang>.
    useLayoutEffect(() => {
      if (!i18n) return;
      document.documentElement.lang = i18n.tag;
      if (titleKey) document.title = i18n.t(titleKey);
    }, [i18n, titleKey]);
    if (!i18n) return null;
    return <Context.Provider value={i18n}>{children}</Context.Provider>;
  }

  function useI18n(): I18n<K> {
    const i18n = useContext(Context);
    if (!i18n) throw new Error('useI18n outside its I18nProvider');
    return i18n;
  }

  return { I18nProvider, useI18n };
}

// Element arguments go through the message as markers that cannot occur in a catalogue's text,
// then the formatted string is cut at them and the elements put back in their places.
const MARK = '\u0000';

function withRich<K extends string>(translator: Translator<K>): Translator<K> & Pick<I18n<K>, 'rich'> {
  return { ...translator, rich: (key, params) => richMessage(translator, key, params) };
}

/** The message with element arguments in their places: strings and elements, in reading order. */
export function richMessage<K extends string>(
  translator: Pick<Translator<K>, 't'>,
  key: K,
  params: Record<string, string | number | VNode>,
): (string | VNode)[] {
  const elements: VNode[] = [];
  const flat: Record<string, string | number> = {};
  for (const [name, value] of Object.entries(params)) {
    if (typeof value === 'string' || typeof value === 'number') flat[name] = value;
    else flat[name] = `${MARK}${elements.push(value) - 1}${MARK}`;
  }
  return translator
    .t(key, flat)
    .split(MARK)
    .map((piece, i) => (i % 2 === 1 ? elements[Number(piece)]! : piece))
    .filter((piece) => piece !== '');
}
