// A project's description and its translations share the one `description` column, so that
// translations needed no migration: a description without translations is stored as its plain
// text, as it always was; one with translations (or whose text itself starts with "{", so that
// it cannot be mistaken for the other form) as a JSON object {"description", "descriptions"}.
import type { DescriptionTranslations } from '../../protocol/api.js';
import { storableText } from './sql.js';

interface Described {
  description: string;
  descriptions?: DescriptionTranslations;
}

/** The column's value for a description and its translations (empty ones are dropped). */
export function encodeDescription(description: string, descriptions: DescriptionTranslations | undefined): string {
  const translations = kept(descriptions);
  if (!translations && !description.startsWith('{')) return storableText(description);
  return storableText(JSON.stringify({ description, descriptions: translations ?? {} }));
}

/** The description and translations a column value holds; plain text is a description alone. */
export function decodeDescription(stored: string): Described {
  if (stored.startsWith('{')) {
    try {
      const value = JSON.parse(stored) as unknown;
      if (isEncoded(value)) {
        const translations = kept(value.descriptions);
        return translations
          ? { description: value.description, descriptions: translations }
          : { description: value.description };
      }
    } catch {
      // plain text that happens to start with "{" (stored before translations existed)
    }
  }
  return { description: stored };
}

function isEncoded(value: unknown): value is { description: string; descriptions: Record<string, unknown> } {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const { description, descriptions } = value as Record<string, unknown>;
  return (
    typeof description === 'string' &&
    typeof descriptions === 'object' &&
    descriptions !== null &&
    !Array.isArray(descriptions) &&
    Object.keys(value).length === 2
  );
}

/** Non-empty string translations only; undefined when none is left. */
function kept(descriptions: DescriptionTranslations | Record<string, unknown> | undefined) {
  const zh = descriptions && (descriptions as Record<string, unknown>).zh;
  return typeof zh === 'string' && zh.trim() !== '' ? { zh } : undefined;
}
