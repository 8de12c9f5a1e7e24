// Garbage requests: any route (or none), any method, odd credentials, headers and queries, and
// bodies from random bytes to JSON shaped like the route's schema.
import { garbageAuth, randomContentType } from './headers.js';
import { garbageQuery, safeEncode, specPath } from './paths.js';
import { chance, int, pick, randomBytes, weighted } from './prng.js';
import type { Req } from './requests.js';
import { API, labelFor, METHODS, ROUTES, type RouteSpec } from './routes.js';
import {
  b64,
  deepDepth,
  deepText,
  defineOwn,
  headerText,
  randomJson,
  randomKey,
  randomText,
  serialize,
} from './values.js';

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

export function garbageRequest(): Req {
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
    path = specPath(spec);
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
