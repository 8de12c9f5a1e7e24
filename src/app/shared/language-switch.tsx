// The page's language, switchable in place; each language is named in itself (and marked with
// its own lang) so a reader finds theirs whatever the page speaks now.
import { LOCALE_NAMES, LOCALE_TAGS, LOCALES, isLocale, type Locale } from '../i18n/locale.js';

interface LanguageSwitchProps {
  locale: Locale;
  /** "Language", in the page's current language. */
  label: string;
  onChange(locale: Locale): void;
}

export function LanguageSwitch({ locale, label, onChange }: LanguageSwitchProps) {
  return (
    <label class="language-switch">
      <span class="visually-hidden">{label}</span>
      <select
        value={locale}
        data-testid="language"
        onChange={(event) => {
          const value = event.currentTarget.value;
          if (isLocale(value)) onChange(value);
        }}
      >
        {LOCALES.map((option) => (
          <option key={option} value={option} lang={LOCALE_TAGS[option]}>
            {LOCALE_NAMES[option]}
          </option>
        ))}
      </select>
    </label>
  );
}
