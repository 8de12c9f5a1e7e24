// Header values for fuzzed requests: content types (JSON, not JSON, odd) and Authorization values
// (missing, mangled, or a working credential of the wrong kind).
import { publisherByToken, publishers, someVolunteer, volunteerBySecret } from './model.js';
import { int, pick, randomBytes, weighted } from './prng.js';
import type { RouteSpec } from './routes.js';
import { b64, headerText } from './values.js';

export const JSON_TYPES = [
  'application/json',
  'application/json; charset=utf-8',
  'Application/JSON',
  'application/json;charset=UTF-8',
];
export const NON_JSON_TYPES = [
  'text/plain',
  'application/wasm',
  'application/octet-stream',
  'application/xml',
  'application/x-www-form-urlencoded',
  'multipart/form-data; boundary=xyz',
  'text/html',
  'image/png',
];
export const ODD_TYPES = [
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
export const randomContentType = () =>
  weighted([
    [4, () => pick(JSON_TYPES)],
    [3, () => pick(NON_JSON_TYPES)],
    [3, () => pick(ODD_TYPES)],
    [1, () => headerText(int(1, 80))],
  ] as const)();

/** Whether an Authorization value is a working credential of the kind `needs` (the server's own rule). */
function authWorks(value: string | undefined, needs: RouteSpec['auth']): boolean {
  if (needs === 'none') return true;
  return needs === 'publisher' ? publisherByToken(value) !== undefined : volunteerBySecret(value) !== undefined;
}

/** A value for Authorization, and whether it is a working credential of the kind the route needs. */
export function garbageAuth(needs: RouteSpec['auth']): { value: string | undefined; works: boolean } {
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
