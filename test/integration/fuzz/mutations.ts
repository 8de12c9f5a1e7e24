// Mutations of valid requests (templates.ts): one change per request (a body field, the JSON text,
// the kernel bytes, the signature, the credential, a path parameter, the query, the method, the
// content type or odd headers), and whether the server must now refuse it.
import { signBody } from '../../helpers/volunteer-keys.js';
import { mutateField } from './field-mutations.js';
import { garbageAuth, JSON_TYPES, NON_JSON_TYPES, ODD_TYPES } from './headers.js';
import { live, stranger, type Volunteer } from './model.js';
import { garbageQuery, specPath } from './paths.js';
import { flipBit, int, pick, randomBytes, weighted } from './prng.js';
import type { Expect, Outcome, Req } from './requests.js';
import { API, labelFor, METHODS } from './routes.js';
import { template, type Template } from './templates.js';
import { mutateText } from './text-mutations.js';
import { b64, headerText, serialize } from './values.js';

type Operation = ReturnType<typeof pickOperation>;

function pickOperation(t: Template) {
  return weighted([
    [t.body !== undefined ? 8 : 0, 'field'],
    [t.body !== undefined ? 3 : 0, 'text'],
    [t.binary ? 6 : 0, 'binary'],
    [t.signer ? 5 : 0, 'signature'],
    [2, 'auth'],
    [/:/.test(t.spec.label) ? 1 : 0, 'param'],
    [1, 'query'],
    [1, 'method'],
    [t.body !== undefined || t.binary ? 2 : 0, 'content-type'],
    [1, 'headers'],
  ] as const);
}

export function mutatedRequest(): Req | undefined {
  const t = template();
  if (!t) return undefined;
  const spec = t.spec;
  const outcomes: Outcome[] = [];
  const line = { method: spec.method, path: t.path, query: t.query };
  const headers: Record<string, string> = {};
  if (t.auth !== undefined) headers.authorization = `Bearer ${t.auth}`;
  if (t.body !== undefined) headers['content-type'] = 'application/json';
  if (t.binary) headers['content-type'] = 'application/wasm';

  const op = pickOperation(t);
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
    payload = Buffer.from(t.binary);
    if (op === 'binary') {
      const mutated = mutateKernel(payload);
      payload = mutated.bytes;
      outcomes.push(mutated.outcome);
    }
  }

  // Sign the final body bytes, then perhaps tamper with the signature or the body.
  if (t.signer && payload !== undefined) {
    const bytes = Buffer.from(payload);
    headers['x-sc-signature'] = signBody(t.signer.key, bytes);
    if (op === 'signature') {
      const tampered = tamperSignature(t.signer, headers, bytes);
      payload = tampered.payload ?? payload;
      outcomes.push(tampered.outcome);
    }
  }

  const other = mutateEnvelope(op, t, line, headers);
  if (other) outcomes.push(other);

  const rerouted = line.method !== spec.method;
  const expect: Expect = rerouted ? 'any' : outcomes.some((o) => o.expect === 'reject') ? 'reject' : 'any';
  return {
    route: rerouted ? labelFor(line.method, line.path) : spec.label,
    kind: `mutated ${spec.label}: ${outcomes.map((o) => o.what).join('; ') || op}`,
    method: line.method,
    url: API + line.path + line.query,
    headers,
    payload,
    expect,
  };
}

/** Flips bits of, cuts, extends, scrambles, doubles or empties a kernel's bytes. */
function mutateKernel(kernel: Buffer): { bytes: Buffer; outcome: Outcome } {
  let bytes = kernel;
  const kind = pick(['flip', 'truncate', 'append', 'random', 'double', 'empty'] as const);
  if (kind === 'flip') {
    for (let i = int(1, 3); i > 0; i--) flipBit(bytes);
  } else if (kind === 'truncate') bytes = bytes.subarray(0, int(0, bytes.length - 1));
  else if (kind === 'append') bytes = Buffer.concat([bytes, randomBytes(int(1, 64))]);
  else if (kind === 'random') bytes = Buffer.concat([bytes.subarray(0, 8), randomBytes(int(0, 4000))]);
  else if (kind === 'double') bytes = Buffer.concat([bytes, bytes.subarray(8)]);
  else bytes = Buffer.alloc(0);
  return {
    bytes,
    outcome: { what: `kernel ${kind}`, expect: kind === 'truncate' || kind === 'empty' ? 'reject' : 'any' },
  };
}

/** Spoils the signature in `headers` (made by `signer` over `bytes`), or the body it signs. */
function tamperSignature(
  signer: Volunteer,
  headers: Record<string, string>,
  bytes: Buffer,
): { payload?: string | Buffer; outcome: Outcome } {
  const others = live().filter((o) => o.key !== signer.key);
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
  const raw = Buffer.from(headers['x-sc-signature']!, 'base64');
  let payload: string | Buffer | undefined;
  let expect: Expect = 'reject';
  switch (kind) {
    case 'flip-signature':
      flipBit(raw);
      headers['x-sc-signature'] = raw.toString('base64');
      break;
    case 'flip-body':
      payload = Buffer.from(bytes);
      flipBit(payload);
      break;
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
      headers['x-sc-signature'] = signBody(signer.key, bytes, 'der');
      break;
    case 'pretty-body':
      payload = serialize(JSON.parse(bytes.toString()), 2);
      if (payload === bytes.toString()) expect = 'any';
      break;
    default:
      headers['x-sc-signature'] = headers['x-sc-signature']!.replace(/=+$/, '');
      expect = 'any';
  }
  return { payload, outcome: { what: `signature: ${kind}`, expect } };
}

/** The mutations outside the body: credential, path parameter, query, method, content type, headers. */
function mutateEnvelope(
  op: Operation,
  t: Template,
  line: { method: string; path: string; query: string },
  headers: Record<string, string>,
): Outcome | undefined {
  const spec = t.spec;
  switch (op) {
    case 'auth': {
      const auth = garbageAuth(spec.auth);
      if (auth.value === undefined) delete headers.authorization;
      else headers.authorization = auth.value;
      // A different working credential may own different things: anything goes then.
      return { what: 'authorization replaced', expect: auth.works ? 'any' : 'reject' };
    }
    case 'param':
      line.path = specPath(spec);
      return { what: 'path parameter replaced', expect: 'any' };
    case 'query':
      line.query = garbageQuery();
      return { what: 'query replaced', expect: 'any' };
    case 'method':
      line.method = pick(METHODS.filter((m) => m !== spec.method));
      return { what: `method ${line.method}`, expect: 'any' };
    case 'content-type':
      return mutateContentType(t, headers);
    case 'headers':
      headers[pick(['x-sc-signature', 'x-http-method-override', 'accept', 'accept-encoding', 'origin', 'cookie'])] =
        pick(['', 'DELETE', '*/*', 'gzip', headerText(int(1, 64))]);
      return { what: 'odd headers', expect: 'any' };
    default:
      return undefined;
  }
}

function mutateContentType(t: Template, headers: Record<string, string>): Outcome {
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
  return { what: `content-type ${JSON.stringify(headers['content-type'] ?? null)}`, expect };
}
