// A small subset of ICU MessageFormat, enough for our pages: `{name}` (numbers formatted for the
// locale), `{name, number}`, and `{name, plural, =0 {…} one {# unit} other {# units}}` and
// `{name, select, a {…} other {…}}` whose branches may nest further arguments; `#` in a plural
// branch is the number. `'` is literal (no ICU quoting): catalogues never need braces as text.

export type MessageParams = Record<string, string | number>;

type Part = string | Argument;
interface Argument {
  name: string;
  kind: 'simple' | 'number' | 'plural' | 'select';
  branches?: Map<string, Part[]>;
}

/** Formats `template` for `locale`; a missing argument shows as `{name}` so a test can spot it. */
export function formatMessage(template: string, params: MessageParams | undefined, locale: string): string {
  return render(compile(template), params ?? {}, locale, undefined);
}

/**
 * Argument names a template uses (top level and in branches), and those it shows: a plural
 * argument used only to choose word forms is not shown, and a language without them (Chinese)
 * may leave it out.
 */
export function messageArguments(template: string): { all: string[]; shown: string[] } {
  const all = new Set<string>();
  const shown = new Set<string>();
  const walk = (parts: Part[], pound: string | undefined) => {
    for (const part of parts) {
      if (typeof part === 'string') {
        if (pound !== undefined && part.includes('#')) shown.add(pound);
        continue;
      }
      all.add(part.name);
      if (part.kind === 'simple' || part.kind === 'number') shown.add(part.name);
      const inner = part.kind === 'plural' ? part.name : pound;
      for (const branch of part.branches?.values() ?? []) walk(branch, inner);
    }
  };
  walk(compile(template), undefined);
  return { all: [...all].sort(), shown: [...shown].sort() };
}

const compiled = new Map<string, Part[]>();

function compile(template: string): Part[] {
  let parts = compiled.get(template);
  if (!parts) {
    const parser = { text: template, at: 0 };
    parts = parseParts(parser);
    if (parser.at < template.length) throw new Error(`unbalanced "}" in message: ${template}`);
    compiled.set(template, parts);
  }
  return parts;
}

function parseParts(p: { text: string; at: number }): Part[] {
  const parts: Part[] = [];
  let literal = '';
  while (p.at < p.text.length) {
    const char = p.text[p.at]!;
    // A branch ends at its "}"; at the top level a stray one is reported by compile().
    if (char === '}') break;
    if (char === '{') {
      if (literal) parts.push(literal);
      literal = '';
      parts.push(parseArgument(p));
    } else {
      literal += char;
      p.at++;
    }
  }
  if (literal) parts.push(literal);
  return parts;
}

function parseArgument(p: { text: string; at: number }): Argument {
  p.at++; // "{"
  const close = /[,}]/g;
  close.lastIndex = p.at;
  const end = close.exec(p.text);
  if (!end) throw new Error(`unclosed "{" in message: ${p.text}`);
  const name = p.text.slice(p.at, end.index).trim();
  p.at = end.index + 1;
  if (end[0] === '}') return { name, kind: 'simple' };
  close.lastIndex = p.at;
  const typeEnd = close.exec(p.text);
  if (!typeEnd) throw new Error(`unclosed "{${name}," in message: ${p.text}`);
  const kind = p.text.slice(p.at, typeEnd.index).trim();
  p.at = typeEnd.index + 1;
  if (kind === 'number') {
    if (typeEnd[0] !== '}') throw new Error(`only plain {${name}, number} is supported: ${p.text}`);
    return { name, kind: 'number' };
  }
  if (kind !== 'plural' && kind !== 'select') throw new Error(`unknown argument type "${kind}" in: ${p.text}`);
  const branches = new Map<string, Part[]>();
  for (;;) {
    while (/\s/.test(p.text[p.at] ?? '')) p.at++;
    if (p.text[p.at] === '}') {
      p.at++;
      break;
    }
    const open = p.text.indexOf('{', p.at);
    if (open < 0) throw new Error(`unclosed ${kind} in message: ${p.text}`);
    const selector = p.text.slice(p.at, open).trim();
    p.at = open + 1;
    branches.set(selector, parseParts(p));
    if (p.text[p.at] !== '}') throw new Error(`unclosed branch "${selector}" in message: ${p.text}`);
    p.at++;
  }
  if (!branches.has('other')) throw new Error(`${kind} without an "other" branch in: ${p.text}`);
  return { name, kind, branches };
}

const numberFormats = new Map<string, Intl.NumberFormat>();
const pluralRules = new Map<string, Intl.PluralRules>();

function cached<T>(cache: Map<string, T>, locale: string, make: () => T): T {
  let value = cache.get(locale);
  if (!value) cache.set(locale, (value = make()));
  return value;
}

function formatNumber(value: number, locale: string): string {
  return cached(numberFormats, locale, () => new Intl.NumberFormat(locale, { maximumFractionDigits: 1 })).format(value);
}

function render(parts: Part[], params: MessageParams, locale: string, pound: string | undefined): string {
  let out = '';
  for (const part of parts) {
    if (typeof part === 'string') {
      out += pound === undefined ? part : part.replaceAll('#', pound);
      continue;
    }
    const value = params[part.name];
    if (value === undefined) {
      out += `{${part.name}}`;
    } else if (part.kind === 'simple' || part.kind === 'number') {
      out += typeof value === 'number' ? formatNumber(value, locale) : value;
    } else if (part.kind === 'plural') {
      const count = Number(value);
      const rule = cached(pluralRules, locale, () => new Intl.PluralRules(locale)).select(count);
      const branch = part.branches!.get(`=${count}`) ?? part.branches!.get(rule) ?? part.branches!.get('other')!;
      out += render(branch, params, locale, formatNumber(count, locale));
    } else {
      const branch = part.branches!.get(String(value)) ?? part.branches!.get('other')!;
      out += render(branch, params, locale, pound);
    }
  }
  return out;
}
