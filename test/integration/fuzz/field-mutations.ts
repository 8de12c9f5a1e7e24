// Schema-guided mutation of one field of a valid JSON body: delete it, retype it, push it to and
// past the schema's limits, nest it deep, blow it up, or add a field the schema does not allow.
// Each mutation says whether the server must now refuse the request.
import { chance, pick, weighted } from './prng.js';
import type { Outcome } from './requests.js';
import type { Schema } from './routes.js';
import {
  deepDepth,
  deepText,
  defineOwn,
  RAW_INVALID,
  randomJson,
  randomKey,
  randomText,
  rawJson,
  serialize,
} from './values.js';

function fitsType(value: unknown, type: string | undefined): boolean {
  switch (type) {
    case undefined:
      return true;
    case 'integer':
      return typeof value === 'number' && Number.isInteger(value);
    case 'number':
      return typeof value === 'number' && Number.isFinite(value);
    case 'string':
      return typeof value === 'string' && !value.startsWith('@@raw');
    case 'array':
      return Array.isArray(value);
    case 'object':
      return value !== null && typeof value === 'object' && !Array.isArray(value);
    case 'boolean':
      return typeof value === 'boolean';
    default:
      return false;
  }
}

const TYPE_SAMPLES: (() => unknown)[] = [
  () => null,
  () => true,
  () => false,
  () => 'text',
  () => '1',
  () => '',
  () => 0,
  () => 1,
  () => 1.5,
  () => -1,
  () => [],
  () => [1],
  () => ({}),
  () => ({ a: 1 }),
  () => rawJson('1e999'),
];

/** Values at and beyond the schema's limits: `bad` ones must be refused. */
function boundaries(s: Schema, sibling: unknown): { value: unknown; bad: boolean }[] {
  const out: { value: unknown; bad: boolean }[] = [];
  if (s.type === 'integer' || s.type === 'number') {
    if (s.minimum !== undefined) out.push({ value: s.minimum, bad: false }, { value: s.minimum - 1, bad: true });
    if (s.exclusiveMinimum !== undefined) {
      out.push({ value: s.exclusiveMinimum, bad: true }, { value: s.exclusiveMinimum + 5e-324, bad: false });
    }
    if (s.maximum !== undefined) {
      out.push({ value: s.maximum, bad: false }, { value: s.maximum + 1, bad: true });
      out.push({ value: 1e308, bad: true }, { value: rawJson('1e999'), bad: true });
    } else {
      out.push({ value: 1e308, bad: false }, { value: rawJson('1e999'), bad: true });
    }
    if ((s.minimum ?? s.exclusiveMinimum) !== undefined) out.push({ value: -1e308, bad: true });
    if (s.type === 'integer') {
      out.push({ value: 1.5, bad: true }, { value: (s.minimum ?? 0) + 0.5, bad: true });
      out.push({ value: rawJson('1.0'), bad: false }, { value: rawJson('1e0'), bad: false });
    }
    out.push({ value: rawJson('-0'), bad: (s.minimum ?? -Infinity) > 0 || s.exclusiveMinimum !== undefined });
    out.push({ value: rawJson(pick(RAW_INVALID)), bad: true });
  } else if (s.type === 'string') {
    if (s.enum) {
      for (const e of s.enum) out.push({ value: e, bad: false });
      out.push({ value: 'bogus', bad: true }, { value: s.enum[0]!.toUpperCase(), bad: true });
      out.push({ value: ` ${s.enum[0]}`, bad: true }, { value: '', bad: true });
    }
    if (s.maxLength !== undefined && s.maxLength <= 100_000) {
      const fill = s.pattern === '^[0-9a-f]{64}$' ? 'a' : 'x';
      out.push({ value: fill.repeat(s.maxLength), bad: false }, { value: fill.repeat(s.maxLength + 1), bad: true });
      if (!s.pattern) {
        out.push({ value: '😀'.repeat(s.maxLength), bad: false }, { value: '😀'.repeat(s.maxLength + 1), bad: true });
      }
    }
    if (s.minLength !== undefined && s.minLength > 0) {
      out.push({ value: 'x'.repeat(s.minLength - 1), bad: true }, { value: 'x'.repeat(s.minLength), bad: false });
    }
    if (s.pattern === '^[0-9a-f]{64}$') {
      const hex = typeof sibling === 'string' ? sibling : 'a'.repeat(64);
      out.push({ value: hex.toUpperCase().replace(/^[0-9]/, 'A'), bad: true }, { value: hex.slice(1), bad: true });
      out.push({ value: hex + '0', bad: true }, { value: 'g' + hex.slice(1), bad: true });
      out.push({ value: '0'.repeat(64), bad: false }, { value: ` ${hex.slice(1)}`, bad: true });
    }
    if (s.pattern === '\\S') {
      for (const blank of [' ', '   ', '\t\n', '\u00a0', '\u3000', '\ufeff']) out.push({ value: blank, bad: true });
      out.push({ value: '\u200b', bad: false }, { value: ' x ', bad: false });
    }
  } else if (s.type === 'array') {
    const head = Array.isArray(sibling) && sibling.length > 0 ? sibling[0] : 1;
    const first = serialize(head).length <= 200 ? head : 1;
    if (s.minItems !== undefined && s.minItems > 0) out.push({ value: [], bad: true });
    if (s.maxItems !== undefined && s.maxItems <= 100_000) {
      out.push({ value: Array.from({ length: s.maxItems + 1 }, () => first), bad: true });
    }
  }
  return out;
}

interface Site {
  holder: Record<string, unknown> | unknown[];
  key: string | number;
  schema: Schema | undefined;
  parent: Schema | undefined;
  path: string;
}

function collectSites(value: unknown, schema: Schema | undefined, path: string, out: Site[], depth = 0): void {
  if (depth > 6) return;
  if (Array.isArray(value)) {
    value.forEach((item, i) => {
      out.push({ holder: value, key: i, schema: schema?.items, parent: schema, path: `${path}/${i}` });
      collectSites(item, schema?.items, `${path}/${i}`, out, depth + 1);
    });
  } else if (value !== null && typeof value === 'object') {
    for (const [key, item] of Object.entries(value)) {
      const child = schema?.properties && Object.hasOwn(schema.properties, key) ? schema.properties[key] : undefined;
      const site = {
        holder: value as Record<string, unknown>,
        key,
        schema: child,
        parent: schema,
        path: `${path}/${key}`,
      };
      out.push(site);
      collectSites(item, child, `${path}/${key}`, out, depth + 1);
    }
  }
}

function objectsOf(
  value: unknown,
  schema: Schema | undefined,
  out: { obj: Record<string, unknown>; schema: Schema }[],
) {
  if (!schema) return;
  if (Array.isArray(value)) for (const item of value) objectsOf(item, schema.items, out);
  else if (value !== null && typeof value === 'object') {
    if (schema.additionalProperties === false) out.push({ obj: value as Record<string, unknown>, schema });
    for (const [key, item] of Object.entries(value)) objectsOf(item, schema.properties?.[key], out);
  }
}

function setSite(site: Site, value: unknown): void {
  if (Array.isArray(site.holder)) site.holder[site.key as number] = value;
  else defineOwn(site.holder, site.key as string, value);
}

/** Mutates one field of `body` in place (the root is replaced through the returned value). */
export function mutateField(body: unknown, schema: Schema): { body: unknown; outcome: Outcome } {
  const sites: Site[] = [];
  collectSites(body, schema, 'body', sites);
  const op = weighted([
    [sites.length ? 3 : 0, 'delete'],
    [sites.length ? 3 : 0, 'retype'],
    [sites.length ? 5 : 0, 'boundary'],
    [3, 'extra'],
    [sites.length ? 1 : 0, 'deep'],
    [sites.length ? 1 : 0, 'huge'],
    [sites.length ? 2 : 0, 'weird'],
    [sites.length ? 1 : 0, 'null'],
    [1, 'root'],
  ] as const);
  if (op === 'root') {
    const value = weighted<() => unknown>([
      [2, () => randomJson()],
      [1, () => [body]],
      [1, () => rawJson(deepText(deepDepth()))],
      [1, () => null],
    ])();
    return { body: value, outcome: { what: 'root replaced', expect: fitsType(value, 'object') ? 'any' : 'reject' } };
  }
  if (op === 'extra') {
    const objects: { obj: Record<string, unknown>; schema: Schema }[] = [];
    objectsOf(body, schema, objects);
    const target = objects.length ? pick(objects) : undefined;
    if (!target) return { body, outcome: { what: 'no closed object', expect: 'any' } };
    let key = randomKey();
    if (chance(0.3)) key = pick(['__proto__', 'constructor', 'prototype']);
    const known = target.schema.properties && Object.hasOwn(target.schema.properties, key);
    defineOwn(target.obj, key, key === '__proto__' ? { admin: true, isAdmin: true } : randomJson(2));
    return { body, outcome: { what: `extra field ${JSON.stringify(key)}`, expect: known ? 'any' : 'reject' } };
  }
  const site = pick(sites);
  const s = site.schema;
  switch (op) {
    case 'delete': {
      if (Array.isArray(site.holder)) {
        site.holder.splice(site.key as number, 1);
        const short = site.parent?.minItems !== undefined && site.holder.length < site.parent.minItems;
        return { body, outcome: { what: `deleted ${site.path}`, expect: short ? 'reject' : 'any' } };
      }
      delete site.holder[site.key as string];
      const required = site.parent?.required?.includes(site.key as string) ?? false;
      return { body, outcome: { what: `deleted ${site.path}`, expect: required ? 'reject' : 'any' } };
    }
    case 'retype': {
      const candidates = TYPE_SAMPLES.map((f) => f()).filter((v) => !fitsType(v, s?.type));
      const value = candidates.length ? pick(candidates) : null;
      setSite(site, value);
      return { body, outcome: { what: `retyped ${site.path}`, expect: s?.type ? 'reject' : 'any' } };
    }
    case 'boundary': {
      const options = s
        ? boundaries(s, Array.isArray(site.holder) ? site.holder : site.holder[site.key as string])
        : [];
      if (!options.length) {
        setSite(site, randomJson(2));
        return { body, outcome: { what: `randomised ${site.path}`, expect: 'any' } };
      }
      const choice = pick(options);
      setSite(site, choice.value);
      const shown = typeof choice.value === 'string' ? `${choice.value.length}-char string` : serialize(choice.value);
      return {
        body,
        outcome: { what: `boundary ${site.path}=${shown.slice(0, 40)}`, expect: choice.bad ? 'reject' : 'any' },
      };
    }
    case 'deep': {
      const depth = deepDepth();
      setSite(site, rawJson(deepText(depth)));
      const typed = s?.type !== undefined && s.type !== 'array' && s.type !== 'object';
      return { body, outcome: { what: `${site.path} nested ${depth} deep`, expect: typed ? 'reject' : 'any' } };
    }
    case 'huge': {
      const n = weighted([
        [3, 5_000],
        [2, 70_000],
        [1, 1_100_000],
      ] as const);
      setSite(site, 'h'.repeat(n));
      const typed = s?.type !== undefined && s.type !== 'string';
      const tooLong = s?.maxLength !== undefined && n > s.maxLength;
      return {
        body,
        outcome: { what: `${site.path} = ${n}-char string`, expect: typed || tooLong ? 'reject' : 'any' },
      };
    }
    case 'weird': {
      const value = randomText();
      setSite(site, value);
      return {
        body,
        outcome: { what: `${site.path} = weird string`, expect: fitsType(value, s?.type) ? 'any' : 'reject' },
      };
    }
    default: {
      setSite(site, null);
      return { body, outcome: { what: `${site.path} = null`, expect: s?.type ? 'reject' : 'any' } };
    }
  }
}
