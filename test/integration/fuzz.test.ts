// Fuzzes the whole HTTP API in process (app.inject, no sockets) with a seeded PRNG: random garbage,
// one-field mutations of valid requests, and valid traffic interleaved so that mutated requests hit
// real projects, batches and leases. Holds DESIGN.md's invariant: bad input gets a 4xx with a
// one-line reason from the error catalogue, never a 5xx, never a crash, never a partial write; and
// the store's audit stays clean. The seed is printed; `FUZZ_SEED=<seed>` replays the same choices
// (server-side ids, keys, signatures and the scheduler's SQL random() still vary, so a long run may
// drift a little), `FUZZ_REQUESTS=<n>` sets the number of sequential requests.
import { createHash, generateKeyPairSync, sign, type KeyObject } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import type Database from 'better-sqlite3';
import type { FastifyInstance, InjectOptions } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createProjectSchema,
  leaseSchema,
  publishSchema,
  registerVolunteerSchema,
  submitSchema,
} from '../../src/protocol/api.js';
import { ErrorCatalogue, isErrorCode } from '../../src/protocol/errors.js';
import { buildApp } from '../../src/server/app.js';
import { createPublisherToken } from '../../src/server/auth.js';
import { verifyChain } from '../../src/server/ledger.js';
import { SqliteStore } from '../../src/server/store/sqlite-store.js';

const API = '/api/v1';

function parseSeed(text: string | undefined): number {
  if (text === undefined || text.trim() === '') return (Math.random() * 2 ** 32) >>> 0;
  if (/^\d+$/.test(text.trim())) return Number(text.trim()) >>> 0;
  let h = 2166136261;
  for (const ch of text) h = Math.imul(h ^ ch.charCodeAt(0), 16777619);
  return h >>> 0;
}

const SEED = parseSeed(process.env.FUZZ_SEED);
/** Requests sent one at a time, each checked for writes; then a tenth as many in concurrent bursts. */
const SEQUENTIAL = Math.max(100, Number(process.env.FUZZ_REQUESTS ?? 10_000) || 10_000);
const CONCURRENT = Math.ceil(SEQUENTIAL / 10);
const BURST = 8;
/** Share of sequential requests that also get a full-content digest of every table before and after. */
const DIGEST_RATE = 0.01;
const AUDIT_EVERY = 500;
const EXAMPLES = 12;

// ---- seeded randomness -------------------------------------------------------------------------

/** mulberry32: a tiny, good-enough 32-bit PRNG. */
function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Drives every choice of what to send. */
const rng = mulberry32(SEED);
/** The server's own randomness (quiz placement, trust rolls), separate so it cannot shift the traffic. */
const serverRandom = mulberry32(SEED ^ 0x5bd1e995);
/** Decides which requests get a full digest, separate so the sampling rate cannot shift the traffic. */
const checkRandom = mulberry32(SEED ^ 0x27d4eb2f);

const int = (lo: number, hi: number) => lo + Math.floor(rng() * (hi - lo + 1));
const chance = (p: number) => rng() < p;
const pick = <T>(items: readonly T[]): T => items[Math.floor(rng() * items.length)]!;
function weighted<T>(entries: readonly (readonly [number, T])[]): T {
  let r = rng() * entries.reduce((sum, [w]) => sum + w, 0);
  for (const [w, value] of entries) {
    r -= w;
    if (r < 0) return value;
  }
  return entries[entries.length - 1]![1];
}
const randomBytes = (n: number) => {
  const out = Buffer.alloc(n);
  for (let i = 0; i < n; i++) out[i] = int(0, 255);
  return out;
};
const b64 = (text: string | Buffer) => Buffer.from(text).toString('base64');

// ---- fixtures ----------------------------------------------------------------------------------

/** The smallest sc1 kernel (as in bad-input.test.ts): every function returns `body`. */
function tinyKernel(body = 0): Buffer {
  const fn = [0x04, 0x00, 0x41, body, 0x0b]; // size 4, no locals, i32.const body, end
  const name = (s: string) => [s.length, ...Buffer.from(s)];
  const exports = [
    0x05,
    ...name('memory'),
    0x02,
    0x00,
    ...name('alloc'),
    0x00,
    0x00,
    ...name('run'),
    0x00,
    0x01,
    ...name('output_ptr'),
    0x00,
    0x02,
    ...name('output_len'),
    0x00,
    0x03,
  ];
  return Buffer.from([
    ...[0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00],
    ...[0x01, 0x10, 0x03, 0x60, 0x01, 0x7f, 0x01, 0x7f, 0x60, 0x02, 0x7f, 0x7f, 0x01, 0x7f, 0x60, 0x00, 0x01, 0x7f],
    ...[0x03, 0x05, 0x04, 0x00, 0x01, 0x02, 0x02],
    ...[0x05, 0x03, 0x01, 0x00, 0x01],
    ...[0x07, exports.length, ...exports],
    ...[0x0a, 0x15, 0x04, ...fn, ...fn, ...fn, ...fn],
  ]);
}

interface KeyPair {
  key: KeyObject;
  publicKey: string;
}
function keyPair(): KeyPair {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
  return { key: privateKey, publicKey: publicKey.export({ type: 'spki', format: 'der' }).toString('base64') };
}
const signBody = (key: KeyObject, bytes: Buffer, dsaEncoding: 'ieee-p1363' | 'der' = 'ieee-p1363') =>
  sign('sha256', bytes, { key, dsaEncoding }).toString('base64');

// ---- the model of the server's state, learned from its answers ----------------------------------

type Behaviour = 'honest' | 'liar' | 'erring' | 'adversary';
interface HeldLease {
  lease: string;
  batch: string;
  input: string;
}
interface Volunteer {
  id: string;
  secret: string;
  key: KeyObject;
  behaviour: Behaviour;
  held: HeldLease[];
  returned: { lease: string; result: { output: string } | { error: string } }[];
  /** Set once DELETE /volunteers/me succeeded: its secret no longer works. */
  gone?: boolean;
}
interface Publisher {
  token: string;
  projects: string[];
  batches: string[];
}

let store: SqliteStore;
let app: FastifyInstance;
let db: Database.Database;
let now = 1_900_000_000_000;
const publishers: Publisher[] = [];
const volunteers: Volunteer[] = [];
const kernels: string[] = [];
const keyPool: KeyPair[] = [];
const keyByPublic = new Map<string, KeyPair>();
/** A key no volunteer registered. */
const stranger = keyPair();
let nextPoolKey = 0;

const live = () => volunteers.filter((v) => !v.gone);
/** The credential in an Authorization value, read the way src/server/auth.ts reads it. */
const bearer = (header: string | undefined) =>
  header === undefined ? undefined : /^Bearer\s+(\S+)$/i.exec(header)?.[1];
const volunteerBySecret = (header: string | undefined) => {
  const secret = bearer(header);
  return secret === undefined ? undefined : volunteers.find((v) => !v.gone && v.secret === secret);
};
const publisherByToken = (header: string | undefined) => {
  const token = bearer(header);
  return token === undefined ? undefined : publishers.find((p) => p.token === token);
};
const allProjects = () => publishers.flatMap((p) => p.projects);
const allBatches = () => publishers.flatMap((p) => p.batches);
const allLeases = () => volunteers.flatMap((v) => [...v.held.map((h) => h.lease), ...v.returned.map((r) => r.lease)]);

// ---- the database, watched for writes ------------------------------------------------------------

/** The store's better-sqlite3 handle (named `db` in the brief, `raw` in later versions of the store). */
function sqliteHandle(target: SqliteStore): Database.Database {
  const candidates = [
    (target as unknown as Record<string, unknown>).raw,
    (target as unknown as Record<string, unknown>).db,
    ...Object.values(target as unknown as Record<string, unknown>),
  ];
  for (const c of candidates) {
    const d = c as Partial<Database.Database> | undefined;
    if (d && typeof d.exec === 'function' && typeof d.prepare === 'function' && typeof d.pragma === 'function') {
      return d as Database.Database;
    }
  }
  throw new Error('SqliteStore no longer exposes its better-sqlite3 handle; update sqliteHandle() in this test');
}

let tables: string[] = [];
let markStatement: Database.Statement;
const digestStatements = new Map<string, Database.Statement>();

/**
 * TEMP triggers log every committed INSERT/UPDATE/DELETE on every table into a TEMP table (a
 * rolled-back transaction drops its log rows with it), so an UPDATE by a refused request is caught
 * as surely as an INSERT. The temp schema is private to this connection; the database is untouched.
 */
function watchWrites(): void {
  tables = (
    db
      .prepare(`SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name`)
      .all() as {
      name: string;
    }[]
  ).map((t) => t.name);
  db.exec('CREATE TEMP TABLE fuzz_writes (id INTEGER PRIMARY KEY, tbl TEXT NOT NULL, op TEXT NOT NULL)');
  for (const table of tables) {
    for (const op of ['INSERT', 'UPDATE', 'DELETE']) {
      db.exec(
        `CREATE TEMP TRIGGER "fuzz_${table}_${op}" AFTER ${op} ON main."${table}"
         BEGIN INSERT INTO fuzz_writes (tbl, op) VALUES ('${table}', '${op}'); END`,
      );
    }
  }
  markStatement = db
    .prepare(
      `SELECT ${tables.map((t) => `(SELECT COUNT(*) FROM main."${t}")`).join(', ')},
              (SELECT COALESCE(MAX(id), 0) FROM temp.fuzz_writes)`,
    )
    .raw();
  for (const t of tables) digestStatements.set(t, db.prepare(`SELECT * FROM main."${t}" ORDER BY rowid`).raw());
}

/** Row counts of every table plus the write log's head: equal marks mean nothing was written. */
const writeMark = () => (markStatement.get() as number[]).join(',');

function writesSince(mark: string): string {
  const before = mark.split(',').map(Number);
  const after = writeMark().split(',').map(Number);
  const counts = tables
    .map((t, i) => (before[i] !== after[i] ? `${t} ${before[i]}→${after[i]} rows` : ''))
    .filter(Boolean);
  const log = db
    .prepare('SELECT tbl, op, COUNT(*) AS n FROM temp.fuzz_writes WHERE id > ? GROUP BY tbl, op')
    .all(before[before.length - 1]) as { tbl: string; op: string; n: number }[];
  return [...counts, ...log.map((l) => `${l.n}× ${l.op} ${l.tbl}`)].join(', ');
}

/** A digest of every row of every table. */
function digest(): string {
  const hash = createHash('sha256');
  for (const [table, statement] of digestStatements) {
    hash.update(`#${table}\n`);
    for (const row of statement.iterate() as Iterable<unknown[]>) {
      for (const value of row) {
        if (Buffer.isBuffer(value)) hash.update(value);
        else hash.update(String(value));
        hash.update('\u0001');
      }
      hash.update('\n');
    }
  }
  return hash.digest('hex');
}

// ---- values: strings, JSON, and raw JSON text spliced in after serialisation ----------------------

const WEIRD = [
  '',
  ' ',
  '\u0000',
  '\n',
  '\r\n',
  '\t',
  '\\',
  '"',
  "'",
  '\u202e',
  '\ufeff',
  '\u200b',
  '\u00a0',
  '\u0085',
  '\u2028',
  '\u001b[31m',
  '😀',
  '\ud800',
  '\udfff',
  'e\u0301',
  '𝔘𝔫𝔦𝔠𝔬𝔡𝔢',
  'NaN',
  'Infinity',
  '-Infinity',
  'undefined',
  'null',
  'true',
  '1e999',
  '-0',
  '0x10',
  '__proto__',
  'constructor',
  'prototype',
  'toString',
  '../../etc/passwd',
  '..\\..\\windows',
  '%00',
  '%2e%2e%2f',
  '${7*7}',
  '{{7*7}}',
  '<script>alert(1)</script>',
  "' OR 1=1 --",
  '"; DROP TABLE units; --',
  'scp_',
  'scv_',
  'b_',
  'v_',
];
const PRINTABLE = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.~!*()+/=:;,@ ';

function asciiText(n: number): string {
  let s = '';
  for (let i = 0; i < n; i++) s += PRINTABLE[int(0, PRINTABLE.length - 1)];
  return s;
}

function randomText(max = 24): string {
  switch (int(0, 5)) {
    case 0:
      return pick(WEIRD);
    case 1:
      return asciiText(int(0, max));
    case 2: {
      let s = '';
      for (let i = int(1, max); i > 0; i--) s += String.fromCharCode(int(0, 0xffff));
      return s;
    }
    case 3:
      return pick(WEIRD) + asciiText(int(0, 8)) + pick(WEIRD);
    case 4: {
      let s = '';
      for (let i = int(1, 8); i > 0; i--) s += String.fromCodePoint(int(0x10000, 0x10ffff));
      return s;
    }
    default:
      return String(int(-1e6, 1e9));
  }
}

/** Latin-1 text for header values. */
function headerText(n: number): string {
  let s = '';
  for (let i = 0; i < n; i++) s += String.fromCharCode(chance(0.9) ? int(0x20, 0x7e) : int(0xa0, 0xff));
  return s;
}

const RAW_VALID = [
  '1e999',
  '-1e999',
  '-0',
  '1E+2',
  '1e-400',
  '9007199254740993',
  '1.0',
  '0.0e0',
  '12345678901234567890123',
];
const RAW_INVALID = [
  'NaN',
  'Infinity',
  '-Infinity',
  'undefined',
  '01',
  '0x10',
  '+1',
  '.5',
  '1.',
  '-',
  '1e',
  "'x'",
  '0b1',
];

/** Raw JSON text to splice in place of a marker string once the body is serialised. */
const rawTokens = new Map<string, string>();
let markerSeq = 0;
function rawJson(text: string): string {
  const marker = `@@raw${markerSeq++}@@`;
  rawTokens.set(marker, text);
  return marker;
}

/** Nested arrays or objects `depth` deep, as JSON text (JSON.stringify itself overflows past ~5000). */
function deepText(depth: number, kind = pick(['array', 'object', 'mixed'] as const)): string {
  if (kind === 'array') return '['.repeat(depth) + ']'.repeat(depth);
  if (kind === 'object') return '{"a":'.repeat(depth) + '0' + '}'.repeat(depth);
  return '[{"a":'.repeat(depth) + '1' + '}]'.repeat(depth);
}
const DEEP_DEPTHS = [64, 1000, 4096, 5000, 12_000, 60_000, 150_000];
const deepDepth = () => weighted(DEEP_DEPTHS.map((d) => [d > 50_000 ? 0.3 : 1, d] as const));

function serialize(value: unknown, space?: number): string {
  const text = JSON.stringify(value, null, space) ?? 'null';
  if (!text.includes('@@raw')) return text;
  return text.replace(/"@@raw\d+@@"/g, (quoted) => rawTokens.get(quoted.slice(1, -1)) ?? quoted);
}

function defineOwn(target: object, key: string, value: unknown): void {
  // Plain assignment of "__proto__" would set the prototype instead of adding a key.
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
}

const NUMBERS = [
  0,
  -0,
  1,
  -1,
  2,
  0.5,
  1.5,
  -1.5,
  16,
  17,
  40,
  64,
  65,
  100,
  101,
  255,
  256,
  257,
  4000,
  4001,
  86400,
  86401,
  100000,
  100001,
  2592000,
  2592001,
  1e9,
  1e9 + 1,
  2 ** 31,
  2 ** 32,
  2 ** 53,
  2 ** 53 + 2,
  1e21,
  1e308,
  -1e308,
  5e-324,
  1e-7,
  Number.EPSILON,
];
const KEYS = [
  'a',
  'name',
  'kernel',
  'inputs',
  'lease',
  'output',
  'error',
  'max',
  'results',
  'publicKey',
  '__proto__',
  'constructor',
  'prototype',
  'toString',
  'valueOf',
  'hasOwnProperty',
  '$ref',
  '',
  ' ',
  '😀',
  '\u0000',
];
const randomKey = () => (chance(0.7) ? pick(KEYS) : randomText(10));

function randomScalar(): unknown {
  switch (int(0, 6)) {
    case 0:
      return null;
    case 1:
      return chance(0.5);
    case 2:
      return pick(NUMBERS);
    case 3:
      return chance(0.5) ? int(-1e6, 1e6) : (rng() - 0.5) * 10 ** int(-10, 20);
    case 4:
      return rawJson(pick(RAW_VALID));
    default:
      return randomText();
  }
}

function randomJson(maxDepth = 4, depth = 0): unknown {
  const r = rng();
  if (depth >= maxDepth || r < 0.5) return randomScalar();
  if (r < 0.75) return Array.from({ length: int(0, 4) }, () => randomJson(maxDepth, depth + 1));
  const obj: Record<string, unknown> = {};
  for (let i = int(0, 4); i > 0; i--) defineOwn(obj, randomKey(), randomJson(maxDepth, depth + 1));
  return obj;
}

// ---- schema-guided mutation ----------------------------------------------------------------------

interface Schema {
  type?: string;
  properties?: Record<string, Schema>;
  items?: Schema;
  required?: readonly string[];
  additionalProperties?: boolean;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  minLength?: number;
  maxLength?: number;
  pattern?: string;
  enum?: readonly string[];
  minItems?: number;
  maxItems?: number;
}
const asSchema = (s: unknown) => s as Schema;
const { lease: _leaseProperty, ...singleResultProperties } = submitSchema.properties.results.items.properties;
/** PUT /leases/:lease/result takes one result without its lease (as in src/server/routes/work.ts). */
const singleResultSchema: Schema = { type: 'object', additionalProperties: false, properties: singleResultProperties };

type Expect = 'ok' | 'reject' | 'any';
interface Outcome {
  what: string;
  expect: Expect;
}

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
function mutateField(body: unknown, schema: Schema): { body: unknown; outcome: Outcome } {
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

/** Whether the server's JSON parser (UTF-8, JSON.parse) accepts these bytes. */
function parses(payload: string | Buffer): boolean {
  try {
    JSON.parse(Buffer.from(payload).toString('utf8'));
    return payload.length > 0;
  } catch {
    return false;
  }
}

/** Mutates the serialised JSON text; a result the server cannot parse must be refused. */
function mutateText(text: string, body: unknown): { text: string | Buffer; outcome: Outcome } {
  const mutated = mutateTextOnce(text, body);
  const expect = parses(mutated.text) ? mutated.outcome.expect : 'reject';
  return { text: mutated.text, outcome: { what: mutated.outcome.what, expect } };
}

function mutateTextOnce(text: string, body: unknown): { text: string | Buffer; outcome: Outcome } {
  const isObject = body !== null && typeof body === 'object' && !Array.isArray(body) && text.startsWith('{');
  const op = weighted([
    [3, 'truncate'],
    [2, 'append'],
    [1, 'bom'],
    [1, 'comment'],
    [1, 'pad'],
    [isObject ? 3 : 0, 'dup-first'],
    [isObject ? 2 : 0, 'dup-last'],
    [2, 'flip'],
    [1, 'raw-number'],
    [1, 'single-quotes'],
  ] as const);
  switch (op) {
    case 'truncate':
      return { text: text.slice(0, int(0, text.length - 1)), outcome: { what: 'truncated JSON', expect: 'any' } };
    case 'append':
      return {
        text: text + pick([',', '}', ']', ' x', '\u0000', '{}', '"', 'garbage', '\n{"max":1}']),
        outcome: { what: 'junk after JSON', expect: 'any' },
      };
    case 'bom':
      return { text: '\ufeff' + text, outcome: { what: 'BOM before JSON', expect: 'any' } };
    case 'comment':
      return { text: text.replace(/^\{/, '{/* c */'), outcome: { what: 'comment in JSON', expect: 'any' } };
    case 'pad':
      return { text: `\n \t${text}\r\n `, outcome: { what: 'whitespace around JSON', expect: 'any' } };
    case 'dup-first': {
      const key = pick(Object.keys(body as object).length ? Object.keys(body as object) : ['x']);
      const text2 = `{${JSON.stringify(key)}:${serialize(randomJson(2))},${text.slice(1)}`;
      // the later (valid) occurrence wins in JSON.parse
      return {
        text: text2.replace(',}', '}'),
        outcome: { what: `duplicate key ${key} (garbage first)`, expect: 'any' },
      };
    }
    case 'dup-last': {
      const key = pick(Object.keys(body as object).length ? Object.keys(body as object) : ['x']);
      const inner = text.slice(1, -1).trim();
      const text2 = `{${inner}${inner ? ',' : ''}${JSON.stringify(key)}:${serialize(randomJson(2))}}`;
      return { text: text2, outcome: { what: `duplicate key ${key} (garbage last)`, expect: 'any' } };
    }
    case 'flip': {
      const bytes = Buffer.from(text);
      if (bytes.length === 0) return { text, outcome: { what: 'flip (empty)', expect: 'any' } };
      const at = int(0, bytes.length - 1);
      bytes[at] = bytes[at]! ^ (1 << int(0, 7));
      return { text: bytes, outcome: { what: `flipped byte ${at}`, expect: 'any' } };
    }
    case 'raw-number': {
      const token = pick([...RAW_VALID, ...RAW_INVALID]);
      const replaced = text.replace(/(:\s*)-?\d+(\.\d+)?([eE][+-]?\d+)?/, `$1${token}`);
      return { text: replaced, outcome: { what: `number → ${token}`, expect: 'any' } };
    }
    default:
      return { text: text.replace(/"/g, "'"), outcome: { what: 'single quotes', expect: 'any' } };
  }
}

// ---- requests ------------------------------------------------------------------------------------

interface Req {
  n?: number;
  /** Coverage label: a route pattern, `unknown route` or `wrong method`. */
  route: string;
  kind: string;
  method: string;
  url: string;
  headers: Record<string, string>;
  payload?: string | Buffer;
  expect: Expect;
  /** Leases taken out of the model for this request; put back unless the server took them. */
  taking?: { volunteer: Volunteer; leases: HeldLease[] };
  after?: (reply: Reply) => void;
}
interface Reply {
  status: number;
  text: string;
  json: any;
  contentType: string;
}

interface RouteSpec {
  method: string;
  label: string;
  path: RegExp;
  auth: 'publisher' | 'volunteer' | 'none';
  body?: 'json' | 'wasm';
  schema?: Schema;
  /** Only hit through garbage and mutations: added while this test was written. */
  extra?: boolean;
}

const ROUTES: RouteSpec[] = [
  { method: 'GET', label: 'GET /projects', path: /^\/projects$/, auth: 'none' },
  {
    method: 'POST',
    label: 'POST /projects',
    path: /^\/projects$/,
    auth: 'publisher',
    body: 'json',
    schema: asSchema(createProjectSchema),
  },
  { method: 'POST', label: 'POST /kernels', path: /^\/kernels$/, auth: 'publisher', body: 'wasm' },
  { method: 'GET', label: 'GET /kernels/:hash', path: /^\/kernels\/[^/]+$/, auth: 'none' },
  {
    method: 'POST',
    label: 'POST /projects/:p/batches',
    path: /^\/projects\/[^/]+\/batches$/,
    auth: 'publisher',
    body: 'json',
    schema: asSchema(publishSchema),
  },
  { method: 'GET', label: 'GET /batches/:b', path: /^\/batches\/[^/]+$/, auth: 'publisher' },
  { method: 'GET', label: 'GET /batches/:b/results', path: /^\/batches\/[^/]+\/results$/, auth: 'publisher' },
  {
    method: 'POST',
    label: 'POST /volunteers',
    path: /^\/volunteers$/,
    auth: 'none',
    body: 'json',
    schema: asSchema(registerVolunteerSchema),
  },
  { method: 'GET', label: 'GET /volunteers/me', path: /^\/volunteers\/me$/, auth: 'volunteer' },
  { method: 'GET', label: 'GET /volunteers/me/receipts', path: /^\/volunteers\/me\/receipts$/, auth: 'volunteer' },
  { method: 'GET', label: 'GET /leaderboard', path: /^\/leaderboard$/, auth: 'none' },
  {
    method: 'POST',
    label: 'POST /lease',
    path: /^\/lease$/,
    auth: 'volunteer',
    body: 'json',
    schema: asSchema(leaseSchema),
  },
  {
    method: 'POST',
    label: 'POST /results',
    path: /^\/results$/,
    auth: 'volunteer',
    body: 'json',
    schema: asSchema(submitSchema),
  },
  {
    method: 'PUT',
    label: 'PUT /leases/:l/result',
    path: /^\/leases\/[^/]+\/result$/,
    auth: 'volunteer',
    body: 'json',
    schema: singleResultSchema,
  },
  { method: 'GET', label: 'GET /ledger', path: /^\/ledger$/, auth: 'none' },
  { method: 'GET', label: 'GET /ledger/key', path: /^\/ledger\/key$/, auth: 'none' },
  { method: 'GET', label: 'GET /health', path: /^\/health$/, auth: 'none' },
  // Routes that appeared in app.ts while this test was written (the events stream never ends, so it is left out).
  { method: 'DELETE', label: 'DELETE /volunteers/me', path: /^\/volunteers\/me$/, auth: 'volunteer', extra: true },
  { method: 'GET', label: 'GET /me/projects', path: /^\/me\/projects$/, auth: 'publisher', extra: true },
  {
    method: 'GET',
    label: 'GET /projects/:p/batches',
    path: /^\/projects\/[^/]+\/batches$/,
    auth: 'publisher',
    extra: true,
  },
  { method: 'GET', label: 'GET /batches/:b/stats', path: /^\/batches\/[^/]+\/stats$/, auth: 'publisher', extra: true },
  { method: 'GET', label: 'GET /projects/:p/outputs', path: /^\/projects\/[^/]+\/outputs$/, auth: 'none', extra: true },
  { method: 'GET', label: 'GET /sites/:key', path: /^\/sites\/[^/]+$/, auth: 'none', extra: true },
];
const CORE_ROUTES = ROUTES.filter((r) => !r.extra);
const METHODS = ['GET', 'POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS', 'HEAD'];
const NEVER_HIT = /^\/events\b/;

/** The coverage label of `method path`: its route, else `wrong method` if another method has that path. */
function labelFor(method: string, path: string): string {
  const clean = path.split('?')[0]!.replace(/\/+$/, '') || '/';
  return routeFor(method, clean)?.label ?? (ROUTES.some((r) => r.path.test(clean)) ? 'wrong method' : 'unknown route');
}

/** Which route (if any) serves `method path` (path relative to the API prefix). */
function routeFor(method: string, path: string): RouteSpec | undefined {
  const clean = path.replace(/\/+$/, '') || '/';
  return ROUTES.find((r) => (r.method === method || (method === 'HEAD' && r.method === 'GET')) && r.path.test(clean));
}

const JSON_TYPES = [
  'application/json',
  'application/json; charset=utf-8',
  'Application/JSON',
  'application/json;charset=UTF-8',
];
const NON_JSON_TYPES = [
  'text/plain',
  'application/wasm',
  'application/octet-stream',
  'application/xml',
  'application/x-www-form-urlencoded',
  'multipart/form-data; boundary=xyz',
  'text/html',
  'image/png',
];
const ODD_TYPES = [
  '',
  ' ',
  ';',
  'json',
  'application/*',
  '*/*',
  'application/json, text/plain',
  'application/json;',
  'application/json;;',
  'application/json; charset=utf-16',
  'application/json; charset=latin1',
  'application/json-patch+json',
  'application/vnd.api+json',
  'application/jsonp',
  'text/json',
  'application/wasm; charset=utf-8',
  'garbage/\u00e9',
  'application/json\u0000',
];
const randomContentType = () =>
  weighted([
    [4, () => pick(JSON_TYPES)],
    [3, () => pick(NON_JSON_TYPES)],
    [3, () => pick(ODD_TYPES)],
    [1, () => headerText(int(1, 80))],
  ] as const)();

/** Percent-encodes text; a lone surrogate becomes `%uD800`, itself a malformed escape. */
function safeEncode(text: string): string {
  let out = '';
  for (const ch of text) {
    try {
      out += encodeURIComponent(ch);
    } catch {
      out += `%u${ch.charCodeAt(0).toString(16).toUpperCase()}`;
    }
  }
  return out;
}

const TRAVERSAL = [
  '..',
  '.',
  '../..',
  '..%2f..%2fetc%2fpasswd',
  '%2e%2e%2f%2e%2e%2f',
  '%2e%2e',
  '....%2f%2f',
  '..%5c..%5c',
  '%00',
  '%2F',
  '%252e%252e',
  '~root',
  '%c0%ae%c0%ae',
  '%E2%80%AE',
  'index.html',
];
const MALFORMED = ['%', '%G1', '%E0%A4%A', '%%', '%u0041', '%C0%AE%', '%ff%fe', '%0'];

function realIds(kind: 'project' | 'batch' | 'kernel' | 'lease' | 'site'): string[] {
  switch (kind) {
    case 'project':
      return allProjects();
    case 'batch':
      return allBatches();
    case 'kernel':
      return kernels;
    case 'lease':
      return allLeases();
    default:
      return ['site-x', 'demo'];
  }
}

function garbageParam(kind: 'project' | 'batch' | 'kernel' | 'lease' | 'site'): string {
  const own = realIds(kind);
  const any = [...allProjects(), ...allBatches(), ...kernels, ...allLeases()];
  const real = own.length ? pick(own) : 'x';
  return weighted<() => string>([
    [3, () => safeEncode(real)],
    [1, () => (any.length ? safeEncode(pick(any)) : 'y')],
    [1, () => safeEncode(real) + pick(['%2F', '%2F..', '..', '.json', '%20', '%00', '%0A', '~', '%3F', '%23'])],
    [1, () => safeEncode(real.toUpperCase())],
    [2, () => safeEncode(randomText())],
    [1, () => 'a'.repeat(pick([99, 100, 101, 102]))],
    [1, () => asciiText(int(120, 3000)).replace(/[^A-Za-z0-9]/g, 'z')],
    [1, () => [...randomBytes(int(1, 40))].map((b) => '%' + b.toString(16).padStart(2, '0')).join('')],
    [1, () => pick(MALFORMED)],
    [1, () => pick(TRAVERSAL)],
    [1, () => pick(['0'.repeat(64), 'f'.repeat(64), 'F'.repeat(64), '0'.repeat(63), '0'.repeat(65)])],
  ])();
}

function garbageQuery(): string {
  if (chance(0.4)) return '';
  const keys = ['after', 'limit', 'token', '__proto__', 'constructor', 'x', '', 'after[]', 'limit[0]', 'after.x'];
  const values = [
    '',
    '0',
    '1',
    '-1',
    '10000',
    '10001',
    '99999',
    '1e3',
    '1.5',
    '000000000000001',
    '999999999999999',
    '9999999999999999',
    'NaN',
    'null',
    '%00',
    '%',
    '%ZZ',
    '9'.repeat(400),
  ];
  const part = () => {
    const k = chance(0.8) ? pick(keys) : randomText(6);
    const v = chance(0.8) ? pick(values) : randomText();
    return `${chance(0.9) ? safeEncode(k) : k}=${chance(0.8) ? safeEncode(v) : v}`;
  };
  return '?' + Array.from({ length: int(1, 4) }, part).join('&');
}

function someVolunteer(): Volunteer | undefined {
  const l = live();
  return l.length ? pick(l) : undefined;
}

/** Whether an Authorization value is a working credential of the kind `needs` (the server's own rule). */
function authWorks(value: string | undefined, needs: RouteSpec['auth']): boolean {
  if (needs === 'none') return true;
  return needs === 'publisher' ? publisherByToken(value) !== undefined : volunteerBySecret(value) !== undefined;
}

/** A value for Authorization, and whether it is a working credential of the kind the route needs. */
function garbageAuth(needs: RouteSpec['auth']): { value: string | undefined; works: boolean } {
  const token = pick(publishers).token;
  const secret = someVolunteer()?.secret ?? 'scv_nobody';
  const good = needs === 'volunteer' ? secret : token;
  const value = weighted<() => string | undefined>([
    [2, () => undefined],
    [2, () => `Bearer ${token}`],
    [2, () => `Bearer ${secret}`],
    [1, () => 'Bearer'],
    [1, () => 'Bearer '],
    [1, () => `bearer ${good}`],
    [1, () => `Bearer \t ${good}`],
    [1, () => `Bearer ${good}x`],
    [1, () => `Bearer ${good.slice(0, -1)}`],
    [1, () => `Basic ${b64('admin:admin')}`],
    [1, () => `Bearer ${headerText(int(1, 300))}`],
    [1, () => 'x'.repeat(int(1000, 20000))],
    [1, () => `Bearer scp_${randomBytes(24).toString('base64url')}`],
    [1, () => `Token ${good}`],
    [1, () => `Bearer ${good}, Bearer ${good}`],
  ])();
  return { value, works: authWorks(value, needs) };
}

function garbageBody(spec: RouteSpec | undefined): { payload: string | Buffer; contentType: string | undefined } {
  const contentType = chance(0.85) ? randomContentType() : undefined;
  const payload = weighted<() => string | Buffer>([
    [2, () => randomBytes(int(0, 2048))],
    [4, () => serialize(randomJson(int(1, 5)))],
    [
      5,
      () => {
        // Shaped garbage: the route's own field names with random values, to get past the first checks.
        const obj: Record<string, unknown> = {};
        for (const key of Object.keys(spec?.schema?.properties ?? { name: 1 })) {
          if (chance(0.8)) defineOwn(obj, key, randomJson(2));
        }
        if (chance(0.2)) defineOwn(obj, randomKey(), randomJson(2));
        return serialize(obj);
      },
    ],
    [
      1,
      () =>
        JSON.stringify(
          's'.repeat(
            weighted([
              [3, 10_000],
              [1, 300_000],
              [1, 1_100_000],
            ] as const),
          ),
        ),
    ],
    [1, () => deepText(deepDepth())],
    [1, () => Buffer.from(randomText(200), 'utf8')],
    [1, () => Buffer.from([0xff, 0xfe, ...randomBytes(int(0, 30))])],
    [
      2,
      () =>
        pick([
          'NaN',
          'Infinity',
          '-Infinity',
          'undefined',
          '1e999',
          '-0',
          '',
          ' ',
          'null',
          'true',
          '[]',
          '{}',
          '""',
          '[{}]',
          '{"":""}',
          '0',
          '-1',
          '9007199254740993',
        ]),
    ],
    [
      2,
      () =>
        pick([
          '{"__proto__":{"isAdmin":true}}',
          '{"constructor":{"prototype":{"isAdmin":true}}}',
          '{"__proto__":null}',
          '{"name":"x","__proto__":{"name":"y"}}',
          '{"max":1,"__proto__":{"max":2}}',
          '{"results":[{"lease":"x","output":"AA==","__proto__":{}}]}',
          '{"publicKey":"x","constructor":{}}',
          '[{"__proto__":[]}]',
        ]),
    ],
  ])();
  return { payload, contentType };
}

function garbageRequest(): Req {
  const unknown = chance(0.08);
  const spec = unknown ? undefined : pick(ROUTES.filter((r) => !r.extra || chance(0.3)));
  let path: string;
  if (!spec) {
    path = pick([
      '',
      '/',
      '/project',
      '/projects/x/y/z',
      '/admin',
      '/batches',
      '/leases',
      '/leases/x',
      '/volunteers/you',
      '/health/x',
      '/ledger/keys',
      '/kernels/',
      '//projects',
      '/PROJECTS',
      '/results/x',
      '/' + safeEncode(randomText()),
    ]);
  } else {
    path = specPath(spec, true);
  }
  const prefix = unknown && chance(0.3) ? pick(['', '/api', '/api/v2', '/API/V1', '/api/v1/api/v1']) : API;
  const method = spec && chance(0.85) ? spec.method : pick(METHODS);
  const headers: Record<string, string> = {};
  const auth = garbageAuth(spec?.auth ?? 'none');
  if (auth.value !== undefined) headers.authorization = auth.value;
  let payload: string | Buffer | undefined;
  if ((spec?.body && chance(0.85)) || chance(0.1)) {
    const body = garbageBody(spec);
    payload = body.payload;
    if (body.contentType !== undefined) headers['content-type'] = body.contentType;
  }
  if (chance(0.15)) headers['x-sc-signature'] = pick(['', 'AAAA', headerText(int(1, 200)), b64(randomBytes(64))]);
  if (chance(0.05)) headers['content-encoding'] = pick(['gzip', 'br', 'identity', 'x']);
  if (chance(0.05)) headers['x-forwarded-for'] = headerText(int(1, 50));
  if (chance(0.03)) headers['transfer-encoding'] = 'chunked';
  const url = (prefix + path).replace(/^(?!\/)/, '/') + garbageQuery();
  const label = prefix === API ? labelFor(method, path) : 'unknown route';
  return { route: label, kind: 'garbage', method, url, headers, payload, expect: 'any' };
}

function specPath(spec: RouteSpec, garbage: boolean): string {
  const param = (kind: 'project' | 'batch' | 'kernel' | 'lease' | 'site') => {
    if (garbage && chance(0.6)) return garbageParam(kind);
    const ids = realIds(kind);
    return ids.length ? safeEncode(pick(ids)) : 'none';
  };
  return spec.label
    .slice(spec.label.indexOf(' ') + 1)
    .replace(':hash', () => param('kernel'))
    .replace(':p', () => param('project'))
    .replace(':b', () => param('batch'))
    .replace(':l', () => param('lease'))
    .replace(':key', () => param('site'));
}

// ---- valid traffic ---------------------------------------------------------------------------------

const jsonHeaders = (auth?: string) => ({
  'content-type': 'application/json',
  ...(auth === undefined ? {} : { authorization: `Bearer ${auth}` }),
});

function projectName(): string {
  return weighted<() => string>([
    [4, () => `${pick(['Prime', 'Mandel', 'Fold', 'Climate', 'Ünïcødé', '项目', 'Δelta'])} ${int(1, 999)}`],
    [1, () => 'x'.repeat(100)],
    [1, () => '😀'.repeat(int(1, 100))],
    [1, () => ` ${asciiText(int(1, 30))}x `],
    [1, () => '\u200b'],
    [1, () => '---'],
    [1, () => `${pick(WEIRD.filter((w) => w.trim() !== '' && w.length < 20))}${int(0, 9)}`],
  ])();
}

function validCreateProject(publisher = pick(publishers)): Req {
  const body: Record<string, unknown> = { name: projectName() };
  if (chance(0.5)) body.description = chance(0.1) ? 'd'.repeat(4000) : randomText(60);
  return {
    route: 'POST /projects',
    kind: 'valid: create project',
    method: 'POST',
    url: `${API}/projects`,
    headers: jsonHeaders(publisher.token),
    payload: serialize(body),
    expect: 'ok',
  };
}

function validUploadKernel(): Req {
  return {
    route: 'POST /kernels',
    kind: 'valid: upload kernel',
    method: 'POST',
    url: `${API}/kernels`,
    headers: {
      authorization: `Bearer ${pick(publishers).token}`,
      'content-type': pick(['application/wasm', 'application/octet-stream']),
    },
    payload: tinyKernel(int(0, 127)),
    expect: 'ok',
  };
}

interface PublishOptions {
  inputs?: unknown[];
  quorum?: number;
  validator?: 'exact' | 'json-tolerance';
  replication?: 'full';
  quiz?: boolean;
}

function publishBody(options: PublishOptions = {}): Record<string, unknown> {
  const base64 = options.inputs === undefined && chance(0.2);
  const n = int(1, 6);
  const values = Array.from({ length: n }, () => randomJson(2));
  const body: Record<string, unknown> = {
    kernel: pick(kernels),
    inputs: options.inputs ?? (base64 ? values.map((v) => b64(serialize(v))) : values),
  };
  if (base64) body.encoding = 'base64';
  else if (chance(0.2)) body.encoding = 'json';
  let quorum = options.quorum ?? pick([1, 1, 2, 2, 2, 3]);
  if (options.quorum !== undefined || chance(0.8)) body.quorum = quorum;
  else quorum = 2; // the server's default
  if (chance(0.5)) body.maxResults = int(Math.max(quorum, 1), Math.min(quorum + 3, 64));
  if (chance(0.6)) {
    const deadline = pick([1, 2, 5, 30, 600, 2592000]);
    body.deadlineSeconds = deadline;
    if (chance(0.5)) body.maxRunSeconds = int(1, Math.min(deadline, 86400));
  }
  if (chance(0.6)) body.credit = pick([1, 0.5, 2.5, 0.001, 7, 1e-9, 1e6]);
  const validator = options.validator ?? (chance(0.5) ? pick(['exact', 'json-tolerance'] as const) : undefined);
  if (validator) body.validator = validator;
  if (validator === 'json-tolerance' && chance(0.7)) body.tolerance = pick([0, 1e-9, 0.01, 1]);
  if (options.replication || chance(0.3)) body.replication = options.replication ?? pick(['adaptive', 'full']);
  if (options.quiz ?? chance(0.15)) {
    body.quiz = Array.from({ length: int(1, 2) }, () => {
      const v = randomJson(2);
      // the echo behaviour of honest volunteers passes a quiz whose answer is its input
      return { input: base64 ? b64(serialize(v)) : v, output: v };
    });
  }
  return body;
}

function validPublish(options: PublishOptions = {}, project?: { id: string; owner: Publisher }): Req | undefined {
  const owned = publishers.flatMap((p) => p.projects.map((id) => ({ id, owner: p })));
  const target = project ?? (owned.length ? pick(owned) : undefined);
  if (!target || kernels.length === 0) return undefined;
  return {
    route: 'POST /projects/:p/batches',
    kind: 'valid: publish',
    method: 'POST',
    url: `${API}/projects/${encodeURIComponent(target.id)}/batches`,
    headers: jsonHeaders(target.owner.token),
    payload: serialize(publishBody(options)),
    expect: 'ok',
  };
}

function validRegister(behaviour?: Behaviour): Req {
  const pair = keyPool[nextPoolKey++ % keyPool.length]!;
  const body: Record<string, unknown> = { publicKey: pair.publicKey };
  if (chance(0.4)) body.name = pick(['Ada', 'Grace', 'Émile', '李', '😀'.repeat(40), 'n'.repeat(40), ' x ']);
  const chosen =
    behaviour ??
    weighted<Behaviour>([
      [12, 'honest'],
      [2, 'liar'],
      [2, 'erring'],
      [3, 'adversary'],
    ]);
  return {
    route: 'POST /volunteers',
    kind: `valid: register (${chosen})`,
    method: 'POST',
    url: `${API}/volunteers`,
    headers: jsonHeaders(),
    payload: serialize(body),
    expect: 'ok',
    after: (reply) => {
      const v = volunteers.find((x) => x.id === reply.json?.volunteer);
      if (v) v.behaviour = chosen;
    },
  };
}

function validLease(v: Volunteer, projects?: string[]): Req {
  const body: Record<string, unknown> = { max: int(1, 8) };
  if (projects) body.projects = projects;
  else if (chance(0.2)) {
    const ids = allProjects();
    body.projects = Array.from({ length: int(1, 3) }, () =>
      ids.length && chance(0.8) ? pick(ids) : randomText(10) || 'p',
    );
  }
  return {
    route: 'POST /lease',
    kind: 'valid: lease',
    method: 'POST',
    url: `${API}/lease`,
    headers: jsonHeaders(v.secret),
    payload: serialize(body),
    expect: 'ok',
  };
}

const DEEP_OUTPUT = (depth: number) => b64(deepText(depth, 'array'));
function outputFor(v: Volunteer, lease: HeldLease): { output: string } | { error: string } {
  switch (v.behaviour) {
    case 'honest':
      return { output: lease.input };
    case 'liar':
      return { output: b64(`"wrong-${int(0, 1)}"`) };
    case 'erring':
      return chance(0.5)
        ? { error: pick(['RuntimeError: unreachable', 'out of memory', 'timeout', '\u0000😀']) }
        : { output: lease.input };
    default:
      return weighted<() => { output: string } | { error: string }>([
        [2, () => ({ output: lease.input })],
        [2, () => ({ output: DEEP_OUTPUT(pick([3000, 12_000, 50_000])) })],
        [1, () => ({ output: b64(Buffer.from([0xff, 0xfe, 0x00, 0xc3, 0x28])) })],
        [1, () => ({ output: '' })],
        [1, () => ({ output: b64(JSON.stringify('a'.repeat(int(1000, 300_000)))) })],
        [1, () => ({ output: b64('[1e999, -0, 1E+2]') })],
        [1, () => ({ output: b64(`  ${Buffer.from(lease.input, 'base64').toString('latin1')}\n`) })],
        [1, () => ({ error: 'e'.repeat(4000) })],
      ])();
  }
}

function signedHeaders(v: Volunteer, payload: string): Record<string, string> {
  return { ...jsonHeaders(v.secret), 'x-sc-signature': signBody(v.key, Buffer.from(payload)) };
}

function validSubmit(
  v: Volunteer,
  chosen?: HeldLease[],
  output?: (lease: HeldLease) => { output: string } | { error: string },
): Req {
  const leases = chosen ?? v.held.slice(0, int(1, Math.min(4, v.held.length)));
  v.held = v.held.filter((h) => !leases.includes(h));
  const result = (h: HeldLease) => (output ?? ((x: HeldLease) => outputFor(v, x)))(h);
  if (leases.length === 1 && chance(0.3) && !chosen) {
    const payload = serialize(result(leases[0]!));
    return {
      route: 'PUT /leases/:l/result',
      kind: 'valid: put result',
      method: 'PUT',
      url: `${API}/leases/${encodeURIComponent(leases[0]!.lease)}/result`,
      headers: signedHeaders(v, payload),
      payload,
      expect: 'ok',
      taking: { volunteer: v, leases },
    };
  }
  const body = {
    results: leases.map((h) => ({ lease: h.lease, ...result(h), ...(chance(0.3) ? { elapsedMs: int(0, 1e6) } : {}) })),
  };
  const payload = serialize(body);
  return {
    route: 'POST /results',
    kind: 'valid: submit results',
    method: 'POST',
    url: `${API}/results`,
    headers: signedHeaders(v, payload),
    payload,
    expect: 'ok',
    taking: { volunteer: v, leases },
  };
}

function validResend(v: Volunteer): Req {
  const r = pick(v.returned);
  if (chance(0.5)) {
    const payload = serialize(r.result);
    return {
      route: 'PUT /leases/:l/result',
      kind: 'valid: resend (PUT)',
      method: 'PUT',
      url: `${API}/leases/${encodeURIComponent(r.lease)}/result`,
      headers: signedHeaders(v, payload),
      payload,
      expect: 'ok',
    };
  }
  const payload = serialize({ results: [{ lease: r.lease, ...r.result }] });
  return {
    route: 'POST /results',
    kind: 'valid: resend',
    method: 'POST',
    url: `${API}/results`,
    headers: signedHeaders(v, payload),
    payload,
    expect: 'ok',
  };
}

function validRead(): Req | undefined {
  const v = someVolunteer();
  const owned = publishers.flatMap((p) => p.batches.map((b) => ({ b, p })));
  const batch = owned.length ? pick(owned) : undefined;
  const options: [number, () => Req | undefined][] = [
    [1, () => get('GET /projects', '/projects')],
    [1, () => get('GET /leaderboard', '/leaderboard')],
    [1, () => get('GET /ledger/key', '/ledger/key')],
    [1, () => get('GET /health', '/health')],
    [2, () => get('GET /ledger', `/ledger?after=${int(0, 500)}&limit=${chance(0.1) ? 10000 : int(1, 100)}`)],
    [1, () => (kernels.length ? get('GET /kernels/:hash', `/kernels/${pick(kernels)}`) : undefined)],
    [2, () => (batch ? get('GET /batches/:b', `/batches/${batch.b}`, batch.p.token) : undefined)],
    [2, () => (batch ? get('GET /batches/:b/results', `/batches/${batch.b}/results`, batch.p.token) : undefined)],
    [2, () => (v ? get('GET /volunteers/me', '/volunteers/me', v.secret) : undefined)],
    [
      2,
      () =>
        v
          ? get(
              'GET /volunteers/me/receipts',
              `/volunteers/me/receipts${chance(0.5) ? `?after=${int(0, 20)}&limit=${int(1, 100)}` : ''}`,
              v.secret,
            )
          : undefined,
    ],
  ];
  return weighted(options)();
}

function get(route: string, path: string, auth?: string): Req {
  return {
    route,
    kind: 'valid: read',
    method: 'GET',
    url: `${API}${path}`,
    headers: auth === undefined ? {} : { authorization: `Bearer ${auth}` },
    expect: 'ok',
  };
}

/** Multi-step scenarios whose steps run in order, each built when its turn comes. */
const script: (() => Req | undefined)[] = [];

function scenarioProject(owner: Publisher, state: { project?: string }): Req {
  return {
    route: 'POST /projects',
    kind: 'scenario: project',
    method: 'POST',
    url: `${API}/projects`,
    headers: jsonHeaders(owner.token),
    payload: serialize({ name: `scenario ${int(0, 1e9)}` }),
    expect: 'ok',
    after: (reply) => {
      state.project = reply.json?.id;
    },
  };
}

/**
 * Two volunteers return the same deeply nested JSON output for one unit of a json-tolerance batch
 * (valid requests: an output is any base64 bytes), then the lead reads the results.
 */
function scheduleDeepOutputScenario(validator: 'exact' | 'json-tolerance', depth: number): void {
  const owner = pick(publishers);
  const state: { project?: string; batch?: string; vols: Volunteer[]; leases: (HeldLease | undefined)[] } = {
    vols: [],
    leases: [],
  };
  const quorum = validator === 'exact' ? 1 : 2;
  script.push(() => scenarioProject(owner, state));
  script.push(() => {
    if (!state.project) return undefined;
    const req = validPublish(
      { inputs: [0], quorum, validator, replication: 'full', quiz: false },
      { id: state.project, owner },
    );
    if (!req) return undefined;
    return {
      ...req,
      kind: `scenario: publish (${validator}, quorum ${quorum})`,
      after: (reply) => {
        state.batch = reply.json?.batch;
      },
    };
  });
  for (let i = 0; i < quorum; i++) {
    script.push(() => ({
      ...validRegister('honest'),
      kind: 'scenario: register',
      after: (reply) => {
        const v = volunteers.find((x) => x.id === reply.json?.volunteer);
        if (v) {
          v.behaviour = 'honest';
          state.vols.push(v);
        }
      },
    }));
  }
  for (let i = 0; i < quorum; i++) {
    script.push(() => {
      const v = state.vols[i];
      if (!v || !state.project) return undefined;
      return {
        ...validLease(v, [state.project]),
        kind: 'scenario: lease',
        after: () => {
          state.leases[i] = v.held.find((h) => h.batch === state.batch);
        },
      };
    });
  }
  for (let i = 0; i < quorum; i++) {
    script.push(() => {
      const v = state.vols[i];
      const lease = state.leases[i];
      if (!v || !lease) return undefined;
      return {
        ...validSubmit(v, [lease], () => ({ output: DEEP_OUTPUT(depth) })),
        kind: `scenario: ${depth}-deep output`,
      };
    });
  }
  script.push(() =>
    state.batch
      ? {
          ...get('GET /batches/:b/results', `/batches/${state.batch}/results`, owner.token),
          kind: 'scenario: read results',
        }
      : undefined,
  );
  script.push(() =>
    state.project
      ? {
          ...get('GET /projects/:p/outputs', `/projects/${encodeURIComponent(state.project)}/outputs`, owner.token),
          kind: 'scenario: read outputs',
          expect: 'any',
        }
      : undefined,
  );
}

/** A publish whose one input nests deeper than JSON.stringify can go (the schema allows any JSON). */
function scheduleDeepInputScenario(depth: number): void {
  script.push(() => {
    const req = validPublish({ inputs: [rawJson(deepText(depth, 'array'))], quiz: false });
    return req && { ...req, kind: `scenario: publish a ${depth}-deep input`, expect: 'any' };
  });
}

function validRequest(): Req | 'tick' | undefined {
  while (script.length) {
    const step = script.shift()!();
    if (step) return step;
  }
  const withHeld = live().filter((v) => v.held.length > 0);
  const withReturned = live().filter((v) => v.returned.length > 0);
  const action = weighted<() => Req | 'tick' | undefined>([
    [2, () => validCreateProject()],
    [1, validUploadKernel],
    [5, () => validPublish()],
    [live().length < 60 ? 3 : 0.2, () => validRegister()],
    [8, () => (live().length ? validLease(pick(live())) : validRegister())],
    [withHeld.length ? 10 : 0, () => validSubmit(pick(withHeld))],
    [withReturned.length ? 2 : 0, () => validResend(pick(withReturned))],
    [4, validRead],
    [1, () => 'tick'],
  ]);
  return action();
}

// ---- mutations of valid requests -------------------------------------------------------------------

interface Template {
  spec: RouteSpec;
  path: string;
  query: string;
  auth?: string;
  body?: unknown;
  binary?: Buffer;
  signer?: Volunteer;
}

function template(): Template | undefined {
  const spec = weighted(ROUTES.map((r) => [r.extra ? 0.3 : r.body ? 4 : 1, r] as const));
  const route = (path: string, rest: Partial<Template> = {}): Template => ({ spec, path, query: '', ...rest });
  const v = someVolunteer();
  const publisher = pick(publishers);
  const owned = publishers.flatMap((p) => p.batches.map((b) => ({ b, p })));
  switch (spec.label) {
    case 'POST /projects':
      return route('/projects', { auth: publisher.token, body: JSON.parse(validCreateProject().payload as string) });
    case 'POST /kernels':
      return route('/kernels', { auth: publisher.token, binary: tinyKernel(int(0, 127)) });
    case 'POST /projects/:p/batches': {
      const mine = publisher.projects.length ? publisher : publishers.find((p) => p.projects.length);
      if (!mine || !kernels.length) return undefined;
      return route(`/projects/${encodeURIComponent(pick(mine.projects))}/batches`, {
        auth: mine.token,
        body: publishBody(),
      });
    }
    case 'POST /volunteers': {
      const pair = keyPool[nextPoolKey++ % keyPool.length]!;
      const body: Record<string, unknown> = { publicKey: pair.publicKey };
      if (chance(0.3)) body.name = 'fuzz';
      return route('/volunteers', { body });
    }
    case 'POST /lease':
      return (
        v &&
        route('/lease', {
          auth: v.secret,
          body: { max: int(1, 8), ...(chance(0.3) ? { projects: allProjects().slice(0, 3) } : {}) },
        })
      );
    case 'POST /results': {
      if (!v) return undefined;
      const own = [
        ...v.held.map((h) => ({ lease: h.lease, ...outputFor(v, h) })),
        ...v.returned.map((r) => ({ lease: r.lease, ...r.result })),
      ];
      const others = allLeases();
      const items = Array.from({ length: int(1, 3) }, () =>
        own.length && chance(0.7)
          ? pick(own)
          : {
              lease: others.length && chance(0.7) ? pick(others) : randomBytes(12).toString('base64url'),
              output: b64('1'),
            },
      );
      return route('/results', { auth: v.secret, body: { results: items }, signer: v });
    }
    case 'PUT /leases/:l/result': {
      if (!v) return undefined;
      const held = v.held.length && chance(0.6) ? pick(v.held) : undefined;
      const lease = held?.lease ?? (allLeases().length ? pick(allLeases()) : 'no-such-lease');
      const body = held ? outputFor(v, held) : chance(0.5) ? { output: b64('1') } : { error: 'boom' };
      return route(`/leases/${encodeURIComponent(lease)}/result`, { auth: v.secret, body, signer: v });
    }
    case 'GET /batches/:b':
    case 'GET /batches/:b/results':
    case 'GET /batches/:b/stats': {
      const batch = owned.length ? pick(owned) : undefined;
      return batch && route(spec.label.slice(4).replace(':b', batch.b), { auth: batch.p.token });
    }
    case 'GET /projects/:p/batches':
    case 'GET /projects/:p/outputs': {
      const mine = publishers.find((p) => p.projects.length);
      return (
        mine && route(spec.label.slice(4).replace(':p', encodeURIComponent(pick(mine.projects))), { auth: mine.token })
      );
    }
    case 'GET /kernels/:hash':
      return route(`/kernels/${pick(kernels)}`);
    case 'GET /sites/:key':
      return route('/sites/demo');
    case 'GET /ledger':
      return route('/ledger', { query: `?after=${int(0, 9)}&limit=${int(1, 50)}` });
    case 'GET /volunteers/me/receipts':
      return (
        v && route('/volunteers/me/receipts', { auth: v.secret, query: chance(0.5) ? `?limit=${int(1, 50)}` : '' })
      );
    case 'GET /volunteers/me':
    case 'DELETE /volunteers/me':
      return v && route('/volunteers/me', { auth: v.secret });
    case 'GET /me/projects':
      return route('/me/projects', { auth: publisher.token });
    default:
      return route(spec.label.slice(spec.label.indexOf(' ') + 1));
  }
}

function mutatedRequest(): Req | undefined {
  const t = template();
  if (!t) return undefined;
  const spec = t.spec;
  const outcomes: Outcome[] = [];
  let method = spec.method;
  let path = t.path;
  let query = t.query;
  const headers: Record<string, string> = {};
  if (t.auth !== undefined) headers.authorization = `Bearer ${t.auth}`;
  if (t.body !== undefined) headers['content-type'] = 'application/json';
  if (t.binary) headers['content-type'] = 'application/wasm';

  const op = weighted([
    [t.body !== undefined ? 8 : 0, 'field'],
    [t.body !== undefined ? 3 : 0, 'text'],
    [t.binary ? 6 : 0, 'binary'],
    [t.signer ? 5 : 0, 'signature'],
    [2, 'auth'],
    [/:/.test(spec.label) ? 1 : 0, 'param'],
    [1, 'query'],
    [1, 'method'],
    [t.body !== undefined || t.binary ? 2 : 0, 'content-type'],
    [1, 'headers'],
  ] as const);

  let body = t.body;
  if (op === 'field') {
    const mutated = mutateField(body, spec.schema ?? {});
    body = mutated.body;
    outcomes.push(mutated.outcome);
  }
  let text: string | Buffer | undefined = body === undefined ? undefined : serialize(body);
  if (op === 'text' && typeof text === 'string') {
    const mutated = mutateText(text, body);
    text = mutated.text;
    outcomes.push(mutated.outcome);
  }
  let payload: string | Buffer | undefined = text;
  if (t.binary) {
    let bytes = Buffer.from(t.binary);
    if (op === 'binary') {
      const kind = pick(['flip', 'truncate', 'append', 'random', 'double', 'empty'] as const);
      if (kind === 'flip') {
        for (let i = int(1, 3); i > 0; i--) {
          const at = int(0, bytes.length - 1);
          bytes[at] = bytes[at]! ^ (1 << int(0, 7));
        }
      } else if (kind === 'truncate') bytes = bytes.subarray(0, int(0, bytes.length - 1));
      else if (kind === 'append') bytes = Buffer.concat([bytes, randomBytes(int(1, 64))]);
      else if (kind === 'random') bytes = Buffer.concat([bytes.subarray(0, 8), randomBytes(int(0, 4000))]);
      else if (kind === 'double') bytes = Buffer.concat([bytes, bytes.subarray(8)]);
      else bytes = Buffer.alloc(0);
      outcomes.push({ what: `kernel ${kind}`, expect: kind === 'truncate' || kind === 'empty' ? 'reject' : 'any' });
    }
    payload = bytes;
  }

  // Sign the final body bytes, then perhaps tamper with the signature or the body.
  if (t.signer && payload !== undefined) {
    const bytes = Buffer.from(payload);
    headers['x-sc-signature'] = signBody(t.signer.key, bytes);
    if (op === 'signature') {
      const others = live().filter((o) => o.key !== t.signer!.key);
      const kind = weighted([
        [3, 'flip-signature'],
        [3, 'flip-body'],
        [2, 'other-key'],
        [1, 'no-signature'],
        [1, 'empty'],
        [1, 'garbage'],
        [1, 'short'],
        [1, 'der'],
        [1, 'pretty-body'],
        [1, 'unpadded'],
      ] as const);
      const raw = Buffer.from(headers['x-sc-signature'], 'base64');
      let expect: Expect = 'reject';
      switch (kind) {
        case 'flip-signature': {
          const at = int(0, raw.length - 1);
          raw[at] = raw[at]! ^ (1 << int(0, 7));
          headers['x-sc-signature'] = raw.toString('base64');
          break;
        }
        case 'flip-body': {
          const flipped = Buffer.from(bytes);
          const at = int(0, flipped.length - 1);
          flipped[at] = flipped[at]! ^ (1 << int(0, 7));
          payload = flipped;
          break;
        }
        case 'other-key':
          headers['x-sc-signature'] = signBody(others.length ? pick(others).key : stranger.key, bytes);
          break;
        case 'no-signature':
          delete headers['x-sc-signature'];
          break;
        case 'empty':
          headers['x-sc-signature'] = '';
          break;
        case 'garbage':
          headers['x-sc-signature'] = pick([headerText(int(1, 120)), 'x'.repeat(10_000), '====', b64(randomBytes(64))]);
          break;
        case 'short':
          headers['x-sc-signature'] = raw.subarray(0, int(0, 63)).toString('base64');
          break;
        case 'der':
          headers['x-sc-signature'] = signBody(t.signer.key, bytes, 'der');
          break;
        case 'pretty-body':
          payload = serialize(JSON.parse(bytes.toString()), 2);
          if (payload === bytes.toString()) expect = 'any';
          break;
        default:
          headers['x-sc-signature'] = headers['x-sc-signature'].replace(/=+$/, '');
          expect = 'any';
      }
      outcomes.push({ what: `signature: ${kind}`, expect });
    }
  }

  switch (op) {
    case 'auth': {
      const auth = garbageAuth(spec.auth);
      if (auth.value === undefined) delete headers.authorization;
      else headers.authorization = auth.value;
      // A different working credential may own different things: anything goes then.
      outcomes.push({ what: 'authorization replaced', expect: auth.works ? 'any' : 'reject' });
      break;
    }
    case 'param': {
      path = specPath(spec, true);
      outcomes.push({ what: 'path parameter replaced', expect: 'any' });
      break;
    }
    case 'query':
      query = garbageQuery();
      outcomes.push({ what: 'query replaced', expect: 'any' });
      break;
    case 'method':
      method = pick(METHODS.filter((m) => m !== spec.method));
      outcomes.push({ what: `method ${method}`, expect: 'any' });
      break;
    case 'content-type': {
      const kind = weighted([
        [2, 'json-variant'],
        [3, 'non-json'],
        [2, 'odd'],
        [1, 'none'],
      ] as const);
      if (kind === 'none') delete headers['content-type'];
      else
        headers['content-type'] =
          kind === 'json-variant' ? pick(JSON_TYPES) : kind === 'non-json' ? pick(NON_JSON_TYPES) : pick(ODD_TYPES);
      let expect: Expect = 'any';
      if (t.binary)
        expect =
          kind === 'none' ||
          (kind === 'non-json' && !/wasm|octet/.test(headers['content-type']!)) ||
          kind === 'json-variant'
            ? 'reject'
            : 'any';
      else if (kind === 'non-json' || kind === 'none') expect = 'reject';
      outcomes.push({ what: `content-type ${JSON.stringify(headers['content-type'] ?? null)}`, expect });
      break;
    }
    case 'headers':
      headers[pick(['x-sc-signature', 'x-http-method-override', 'accept', 'accept-encoding', 'origin', 'cookie'])] =
        pick(['', 'DELETE', '*/*', 'gzip', headerText(int(1, 64))]);
      outcomes.push({ what: 'odd headers', expect: 'any' });
      break;
    default:
      break;
  }

  const rerouted = method !== spec.method;
  const expect: Expect = rerouted ? 'any' : outcomes.some((o) => o.expect === 'reject') ? 'reject' : 'any';
  return {
    route: rerouted ? labelFor(method, path) : spec.label,
    kind: `mutated ${spec.label}: ${outcomes.map((o) => o.what).join('; ') || op}`,
    method,
    url: API + path + query,
    headers,
    payload,
    expect,
  };
}

// ---- sending, checking and learning ------------------------------------------------------------------

interface Problems {
  fiveXX: string[];
  badErrorBody: string[];
  partialWrite: string[];
  acceptedInvalid: string[];
  refusedValid: string[];
  brokenResponse: string[];
  crash: string[];
  audit: string[];
}
const problems: Problems = {
  fiveXX: [],
  badErrorBody: [],
  partialWrite: [],
  acceptedInvalid: [],
  refusedValid: [],
  brokenResponse: [],
  crash: [],
  audit: [],
};
const problemCounts = new Map<keyof Problems, number>();
/** Examples are kept per class (route, status, kind of request) so that one noisy bug cannot hide another. */
const problemClasses = new Map<string, number>();
function problem(kind: keyof Problems, text: string, cls = text): void {
  problemCounts.set(kind, (problemCounts.get(kind) ?? 0) + 1);
  const key = `${kind} ${cls}`;
  const seen = problemClasses.get(key) ?? 0;
  problemClasses.set(key, seen + 1);
  if (seen === 0 && problems[kind].length < EXAMPLES) problems[kind].push(text);
}
const classOf = (req: Req, status: number, extra = '') =>
  `${req.route} ${status} ${req.kind.replace(/\d+/g, 'N').replace(/"[^"]*"/g, '"…"')} ${extra}`;
const summary = (kind: keyof Problems) =>
  `seed ${SEED}: ${problemCounts.get(kind) ?? 0} in ${[...problemClasses.keys()].filter((k) => k.startsWith(`${kind} `)).length} classes`;
/** Deviations from docs/API.md that the invariant does not cover: reported, not failed. */
const notes = new Map<string, { count: number; examples: string[] }>();
function note(kind: string, text: string): void {
  const entry = notes.get(kind) ?? { count: 0, examples: [] };
  entry.count++;
  if (entry.examples.length < 3) entry.examples.push(text);
  notes.set(kind, entry);
}

const coverage = new Map<string, { n: number; s2: number; s4: number; s5: number }>();
const statuses = new Map<number, number>();
let sent = 0;
let writeChecks = 0;
let digestChecks = 0;
const recent: string[] = [];
const slowest: { ms: number; req: Req }[] = [];

function preview(value: string, max = 240): string {
  const shown = JSON.stringify(value.length > max ? value.slice(0, max) : value);
  return value.length > max ? `${shown}…(${value.length} chars)` : shown;
}
function describeReq(req: Req): string {
  const body =
    req.payload === undefined
      ? ''
      : Buffer.isBuffer(req.payload)
        ? ` body=<${req.payload.length} bytes ${req.payload.subarray(0, 24).toString('hex')}…>`
        : ` body=${preview(req.payload)}`;
  return `#${req.n} [${req.kind}] ${req.method} ${preview(req.url, 160)} headers=${preview(JSON.stringify(req.headers), 200)}${body}`;
}

const LINE_BREAK = /[\n\r\v\f\u0085\u2028\u2029]/;
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;

async function fire(req: Req, checkWrites: boolean): Promise<Reply | undefined> {
  req.n = ++sent;
  recent.push(describeReq(req));
  if (recent.length > 8) recent.shift();
  const mark = checkWrites ? writeMark() : '';
  const before = checkWrites && checkRandom() < DIGEST_RATE ? digest() : undefined;
  const started = performance.now();
  let response;
  try {
    response = await app.inject({
      method: req.method as InjectOptions['method'],
      url: req.url,
      headers: req.headers,
      ...(req.payload === undefined ? {} : { payload: req.payload }),
    });
  } catch (err) {
    problem('crash', `${describeReq(req)} → inject rejected: ${(err as Error).stack ?? String(err)}`);
    return undefined;
  }
  const ms = performance.now() - started;
  if (slowest.length < 20 || ms > slowest[slowest.length - 1]!.ms) {
    slowest.push({ ms, req });
    slowest.sort((a, b) => b.ms - a.ms);
    slowest.length = Math.min(slowest.length, 20);
  }
  const status = response.statusCode;
  statuses.set(status, (statuses.get(status) ?? 0) + 1);
  const cov = coverage.get(req.route) ?? { n: 0, s2: 0, s4: 0, s5: 0 };
  cov.n++;
  if (status < 300) cov.s2++;
  else if (status < 500) cov.s4++;
  else cov.s5++;
  coverage.set(req.route, cov);
  const contentType = String(response.headers['content-type'] ?? '');
  let json: any;
  if (contentType.startsWith('application/json')) {
    try {
      json = JSON.parse(response.body);
    } catch {
      if (req.method !== 'HEAD')
        problem(
          'brokenResponse',
          `${describeReq(req)} → ${status} ${contentType} body is not JSON: ${preview(response.body)}`,
        );
    }
  }
  const reply: Reply = { status, text: response.body, json, contentType };
  const answer = `→ ${status} ${preview(response.body, 300)}`;

  if (status >= 500) problem('fiveXX', `${describeReq(req)} ${answer}`, classOf(req, status));
  else if (status >= 400 && req.method !== 'HEAD') {
    const code = json?.error?.code;
    const message = json?.error?.message;
    const why = !isErrorCode(code)
      ? `unknown or missing error code ${JSON.stringify(code)}`
      : ErrorCatalogue[code].status !== status
        ? `${code} travels with ${ErrorCatalogue[code].status} in the catalogue, not ${status}`
        : typeof message !== 'string' || message.trim() === ''
          ? 'no message'
          : LINE_BREAK.test(message)
            ? 'the message has a line break'
            : /\bat \S+ \(/.test(message)
              ? 'the message has a stack trace'
              : undefined;
    if (why)
      problem(
        'badErrorBody',
        `${why}: ${describeReq(req)} ${answer}`,
        `${status} ${String(json?.code ?? code)} ${why.replace(/"[^"]*"/g, '')}`,
      );
    else {
      if (CONTROL.test(message)) note('control characters echoed in an error message', `${describeReq(req)} ${answer}`);
      if (message.length > 2000)
        note('error message over 2000 characters', `${describeReq(req)} → ${status} (${message.length} chars)`);
    }
    if (!contentType.includes('application/json'))
      problem('badErrorBody', `content-type ${contentType}: ${describeReq(req)} ${answer}`);
  } else if ((status < 200 || status >= 400) && req.method !== 'HEAD') {
    problem('brokenResponse', `unexpected status: ${describeReq(req)} ${answer}`);
  }
  if ((req.route === 'unknown route' || req.route === 'wrong method') && status !== 404 && status < 500) {
    note(
      'unknown route or wrong method not answered 404 SC_NOT_FOUND (docs/API.md: "route exists (404)" is checked first)',
      `${describeReq(req)} ${answer}`,
    );
  }
  if (req.expect === 'reject' && status < 400)
    problem('acceptedInvalid', `${describeReq(req)} ${answer}`, classOf(req, status));
  if (req.expect === 'ok' && (status < 200 || (status >= 300 && status < 500))) {
    problem('refusedValid', `${describeReq(req)} ${answer}`, classOf(req, status, json?.error?.code ?? ''));
  }
  if (status === 200 && req.route === 'GET /batches/:b/results' && req.method === 'GET') {
    const bad = response.body.split('\n').filter((line) => line !== '' && !isJson(line));
    if (bad.length) problem('brokenResponse', `results line is not JSON: ${describeReq(req)} ${answer}`);
  }

  if (checkWrites) {
    const quiet =
      (status >= 400 && status < 500) ||
      (status === 200 &&
        (req.route === 'POST /results' || req.route === 'PUT /leases/:l/result') &&
        acksOf(reply).length > 0 &&
        acksOf(reply).every((a) => a.outcome === 'rejected' || a.outcome === 'duplicate'));
    if (quiet) {
      writeChecks++;
      if (before !== undefined) digestChecks++;
      if (writeMark() !== mark) {
        const wrote = writesSince(mark);
        problem(
          'partialWrite',
          `${describeReq(req)} ${answer} wrote: ${wrote}`,
          classOf(req, status, wrote.replace(/\d+/g, 'N')),
        );
      } else if (before !== undefined && digest() !== before) {
        problem(
          'partialWrite',
          `${describeReq(req)} ${answer} changed table contents (digest differs)`,
          classOf(req, status),
        );
      }
    }
  }
  learn(req, reply);
  req.after?.(reply);
  return reply;
}

function isJson(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}

function acksOf(reply: Reply): { lease: string; outcome: string }[] {
  const json = reply.json;
  if (Array.isArray(json?.acks)) return json.acks;
  if (json && typeof json.lease === 'string' && typeof json.outcome === 'string') return [json];
  return [];
}

function sentResults(req: Req): Map<string, { output: string } | { error: string }> {
  const out = new Map<string, { output: string } | { error: string }>();
  try {
    const body = JSON.parse(Buffer.from(req.payload ?? '').toString());
    const items =
      req.method === 'PUT' ? [{ ...body, lease: decodeURIComponent(req.url.split('/')[4] ?? '') }] : body.results;
    for (const item of items) {
      out.set(item.lease, item.output !== undefined ? { output: item.output } : { error: item.error });
    }
  } catch {
    // not our business: the server refused it too
  }
  return out;
}

/** Updates the model from what the server answered. */
function learn(req: Req, reply: Reply): void {
  const ok = reply.status >= 200 && reply.status < 300;
  const path = req.url.slice(API.length).split('?')[0] ?? '';
  const route = routeFor(req.method, path)?.label;
  const publisher = publisherByToken(req.headers.authorization);
  const volunteer = volunteerBySecret(req.headers.authorization);
  const taken = req.taking;
  let kept = new Set<string>();
  if (ok) {
    switch (route) {
      case 'POST /projects':
        if (publisher && typeof reply.json?.id === 'string') publisher.projects.push(reply.json.id);
        break;
      case 'POST /kernels':
        if (typeof reply.json?.hash === 'string' && !kernels.includes(reply.json.hash)) kernels.push(reply.json.hash);
        break;
      case 'POST /projects/:p/batches':
        if (publisher && typeof reply.json?.batch === 'string') publisher.batches.push(reply.json.batch);
        break;
      case 'POST /volunteers': {
        let publicKey: string | undefined;
        try {
          publicKey = JSON.parse(Buffer.from(req.payload ?? '').toString()).publicKey;
        } catch {
          publicKey = undefined;
        }
        const pair = publicKey === undefined ? undefined : keyByPublic.get(publicKey);
        if (pair && typeof reply.json?.volunteer === 'string' && typeof reply.json?.secret === 'string') {
          volunteers.push({
            id: reply.json.volunteer,
            secret: reply.json.secret,
            key: pair.key,
            behaviour: 'honest',
            held: [],
            returned: [],
          });
        }
        break;
      }
      case 'POST /lease':
        if (volunteer && Array.isArray(reply.json?.leases)) {
          for (const l of reply.json.leases as { lease: string; batch: string; input: string }[]) {
            if (!volunteer.held.some((h) => h.lease === l.lease))
              volunteer.held.push({ lease: l.lease, batch: l.batch, input: l.input });
          }
        }
        break;
      case 'POST /results':
      case 'PUT /leases/:l/result':
        if (volunteer) {
          const results = sentResults(req);
          for (const ack of acksOf(reply)) {
            if (ack.outcome === 'rejected') continue;
            const result = results.get(ack.lease);
            volunteer.held = volunteer.held.filter((h) => h.lease !== ack.lease);
            if (result && !volunteer.returned.some((r) => r.lease === ack.lease))
              volunteer.returned.push({ lease: ack.lease, result });
          }
          kept = new Set(
            acksOf(reply)
              .filter((a) => a.outcome !== 'rejected')
              .map((a) => a.lease),
          );
          // the rest were refused: a late lease of the same volunteer may still be submitted again
          if (volunteer.returned.length > 50) volunteer.returned.splice(0, volunteer.returned.length - 50);
        }
        break;
      case 'DELETE /volunteers/me':
        if (volunteer) volunteer.gone = true;
        break;
      default:
        break;
    }
  }
  if (taken) {
    const back = taken.leases.filter(
      (h) => !kept.has(h.lease) && !taken.volunteer.returned.some((r) => r.lease === h.lease),
    );
    if (!ok) taken.volunteer.held.push(...back);
  }
}

// ---- the run ---------------------------------------------------------------------------------------

const crashes: string[] = [];
const onCrash = (err: unknown) => crashes.push(err instanceof Error ? (err.stack ?? err.message) : String(err));
let elapsedMs = 0;
let auditFailedAt: number | undefined;

async function auditNow(where: string): Promise<void> {
  const audit = await store.audit();
  if ((audit.inconsistentUnits !== 0 || audit.creditMismatches !== 0) && auditFailedAt === undefined) {
    auditFailedAt = sent;
    problem(
      'audit',
      `${where} (after request #${sent}): ${JSON.stringify(audit)}; the last requests were:\n  ${recent.join('\n  ')}`,
    );
  }
}

async function generate(): Promise<Req | undefined> {
  now += int(0, 50);
  const r = rng();
  let req: Req | 'tick' | undefined;
  if (script.length || r < 0.2) req = validRequest();
  else if (r < 0.5) req = garbageRequest();
  else req = mutatedRequest();
  if (req === 'tick') {
    now += pick([1000, 5000, 60_000]);
    await store.expireLeases(now);
    return undefined;
  }
  if (req && NEVER_HIT.test(req.url.slice(API.length))) return undefined;
  rawTokens.clear();
  return req;
}

beforeAll(async () => {
  process.on('uncaughtException', onCrash);
  process.on('unhandledRejection', onCrash);
  console.log(`fuzz: seed ${SEED} (rerun with FUZZ_SEED=${SEED}), ${SEQUENTIAL} + ${CONCURRENT} requests`);
  store = new SqliteStore(':memory:', { random: serverRandom });
  // The clock is the test's; leases expire when the test says so (store.expireLeases below).
  app = await buildApp({ store, clock: () => now, expiryIntervalMs: 2 ** 31 - 1 });
  db = sqliteHandle(store);
  watchWrites();
  for (let i = 0; i < 2; i++)
    publishers.push({ token: await createPublisherToken(store, now), projects: [], batches: [] });
  for (let i = 0; i < 40; i++) {
    const pair = keyPair();
    keyPool.push(pair);
    keyByPublic.set(pair.publicKey, pair);
  }
  // A little valid state so that the first mutations have something real to hit.
  const setup: Req[] = [...publishers.map((p) => validCreateProject(p)), validUploadKernel()];
  for (const req of setup) await fire(req, true);
  for (let i = 0; i < 4; i++) await fire(validRegister(i === 0 ? 'honest' : undefined), true);
  for (const p of publishers) {
    if (!p.projects.length) throw new Error(`setup failed: ${JSON.stringify(problems)}`);
  }
});

afterAll(async () => {
  process.off('uncaughtException', onCrash);
  process.off('unhandledRejection', onCrash);
  await app?.close();
  await store?.close();
});

describe(`fuzzing the HTTP API (seed ${SEED})`, () => {
  it(`sends ${SEQUENTIAL + CONCURRENT} requests without crashing`, { timeout: 240_000 }, async () => {
    const started = performance.now();
    const scenarios = [0.1, 0.35, 0.6, 0.85].map((f) => Math.floor(f * SEQUENTIAL));
    let nextAudit = AUDIT_EVERY;
    while (sent < SEQUENTIAL) {
      if (scenarios.length && sent >= scenarios[0]!) {
        scenarios.shift();
        scheduleDeepOutputScenario('json-tolerance', pick([12_000, 50_000]));
        scheduleDeepOutputScenario('exact', pick([5000, 8000]));
        scheduleDeepInputScenario(pick([5000, 20_000]));
      }
      const req = await generate();
      if (req) await fire(req, true);
      if (sent >= nextAudit) {
        nextAudit += AUDIT_EVERY;
        await auditNow('periodic audit');
      }
    }
    // Bursts of concurrent requests: the store is synchronous, but handlers interleave at awaits.
    while (sent < SEQUENTIAL + CONCURRENT) {
      const burst: Req[] = [];
      for (let tries = 0; burst.length < BURST && tries < BURST * 4; tries++) {
        const req = await generate();
        if (req) burst.push({ ...req, expect: req.expect === 'ok' ? 'any' : req.expect });
      }
      await Promise.all(burst.map((req) => fire(req, false)));
    }
    elapsedMs = performance.now() - started;
    const health = await app.inject({ method: 'GET', url: `${API}/health` });
    expect(health.statusCode, 'the server still answers /health').toBe(200);
    expect(problems.crash, `seed ${SEED}`).toEqual([]);
    expect(crashes, `seed ${SEED}: uncaught exceptions or unhandled rejections`).toEqual([]);
    expect(sent).toBeGreaterThanOrEqual(SEQUENTIAL + CONCURRENT);
  });

  it('never answered 5xx', () => {
    expect(problems.fiveXX, `${summary('fiveXX')} of 5xx responses`).toEqual([]);
  });

  it('answered every 4xx with {error:{code,message}}: a catalogue code, its status, one line', () => {
    expect(problems.badErrorBody, `${summary('badErrorBody')} of bad error bodies`).toEqual([]);
    expect(problems.brokenResponse, `${summary('brokenResponse')} of broken responses`).toEqual([]);
  });

  it('wrote nothing for a refused request (row counts, a write log, and a sampled full digest)', () => {
    expect(problems.partialWrite, `${summary('partialWrite')} of partial writes`).toEqual([]);
  });

  it('refused every request that breaks the schema, and accepted the valid traffic', () => {
    expect(problems.acceptedInvalid, `${summary('acceptedInvalid')} of invalid requests accepted`).toEqual([]);
    expect(problems.refusedValid, `${summary('refusedValid')} of valid requests refused`).toEqual([]);
  });

  it('leaves a store that audits clean, with a ledger chain that verifies', async () => {
    await auditNow('final audit');
    const audit = await store.audit();
    console.log(`fuzz: audit ${JSON.stringify(audit)}`);
    expect(problems.audit, `seed ${SEED}`).toEqual([]);
    expect(audit.inconsistentUnits).toBe(0);
    expect(audit.creditMismatches).toBe(0);
    const entries = await store.ledgerEntries(0, 1_000_000);
    const chain = verifyChain(entries, store.ledgerPublicKey().raw);
    expect(chain, `seed ${SEED}: the credit ledger chain`).toMatchObject({ ok: true });
  });

  it('covered every route', () => {
    const rows = [...coverage.entries()].sort(([a], [b]) => a.localeCompare(b));
    console.log(
      `fuzz: seed ${SEED}, ${sent} requests in ${(elapsedMs / 1000).toFixed(1)} s; ${writeChecks} refusals checked for writes (${digestChecks} with a full digest); statuses ${JSON.stringify(
        Object.fromEntries([...statuses.entries()].sort(([a], [b]) => a - b)),
      )}\n` +
        rows
          .map(
            ([route, c]) => `  ${route.padEnd(30)} ${String(c.n).padStart(5)}  2xx ${c.s2}  4xx ${c.s4}  5xx ${c.s5}`,
          )
          .join('\n'),
    );
    for (const [kind, entry] of notes) {
      console.log(`fuzz note (not failed): ${kind}: ${entry.count}×\n  ${entry.examples.join('\n  ')}`);
    }
    for (const spec of CORE_ROUTES) {
      const c = coverage.get(spec.label);
      expect(c?.n ?? 0, `${spec.label} requests`).toBeGreaterThanOrEqual(20);
      expect(c?.s2 ?? 0, `${spec.label} answered 2xx`).toBeGreaterThan(0);
      if (spec.auth !== 'none' || spec.body) expect(c?.s4 ?? 0, `${spec.label} answered 4xx`).toBeGreaterThan(0);
    }
    expect(coverage.get('unknown route')?.n ?? 0).toBeGreaterThan(0);
    expect(coverage.get('wrong method')?.n ?? 0).toBeGreaterThan(0);
  });

  it('replays the 20 slowest requests (a smell check, never fails on time)', async () => {
    const lines: string[] = [];
    for (const { ms, req } of slowest) {
      const started = performance.now();
      const response = await app.inject({
        method: req.method as InjectOptions['method'],
        url: req.url,
        headers: req.headers,
        ...(req.payload === undefined ? {} : { payload: req.payload }),
      });
      const again = performance.now() - started;
      lines.push(
        `${ms.toFixed(1).padStart(8)} ms (replay ${again.toFixed(1)} ms) → ${response.statusCode} ${describeReq(req).slice(0, 300)}`,
      );
      if (response.statusCode >= 500) problem('fiveXX', `replay: ${describeReq(req)} → ${response.statusCode}`);
    }
    console.log(`fuzz: the 20 slowest requests\n${lines.join('\n')}`);
  });
});
