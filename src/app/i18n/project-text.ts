// A project's description in the page's language when its publisher gave one, else the default
// text, marked as English (docs/API.md: `description` is the English one) so that a screen
// reader on a Chinese page reads it with the right voice.
import type { ProjectInfo } from '../../protocol/api.js';
import { LOCALE_TAGS, type Locale } from './locale.js';

export function projectDescription(
  project: Pick<ProjectInfo, 'description' | 'descriptions'>,
  locale: Locale,
): { text: string; lang: string | undefined } {
  const translated = locale === 'en' ? undefined : project.descriptions?.[locale];
  if (translated) return { text: translated, lang: undefined };
  return { text: project.description, lang: locale === 'en' ? undefined : LOCALE_TAGS.en };
}
