// The API's routes as the fuzzer sees them: method, path pattern, credential, body and schema, and
// the coverage label of any method and path.
import {
  createProjectSchema,
  leaseSchema,
  publishSchema,
  registerVolunteerSchema,
  resultStatusSchema,
  submitSchema,
} from '../../../src/protocol/api.js';
import { appendUnitsSchema, emptyBodySchema } from '../../../src/protocol/batch-lifecycle.js';

export const API = '/api/v1';

/** The JSON Schema keywords the request schemas use. */
export interface Schema {
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

export interface RouteSpec {
  method: string;
  label: string;
  path: RegExp;
  auth: 'publisher' | 'volunteer' | 'none';
  body?: 'json' | 'wasm';
  schema?: Schema;
  /** Only hit through garbage and mutations: added while this test was written. */
  extra?: boolean;
}

export const ROUTES: RouteSpec[] = [
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
  { method: 'GET', label: 'GET /ledger/heads', path: /^\/ledger\/heads$/, auth: 'none', extra: true },
  { method: 'POST', label: 'POST /ledger/nodes', path: /^\/ledger\/nodes$/, auth: 'none', body: 'json', extra: true },
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
  {
    method: 'POST',
    label: 'POST /volunteers/me/results',
    path: /^\/volunteers\/me\/results$/,
    auth: 'volunteer',
    body: 'json',
    schema: asSchema(resultStatusSchema),
    extra: true,
  },
  // The batch lifecycle (issue 10).
  {
    method: 'POST',
    label: 'POST /batches/:b/units',
    path: /^\/batches\/[^/]+\/units$/,
    auth: 'publisher',
    body: 'json',
    schema: asSchema(appendUnitsSchema),
    extra: true,
  },
  {
    method: 'POST',
    label: 'POST /batches/:b/close',
    path: /^\/batches\/[^/]+\/close$/,
    auth: 'publisher',
    body: 'json',
    schema: asSchema(emptyBodySchema),
    extra: true,
  },
  {
    method: 'POST',
    label: 'POST /batches/:b/cancel',
    path: /^\/batches\/[^/]+\/cancel$/,
    auth: 'publisher',
    body: 'json',
    schema: asSchema(emptyBodySchema),
    extra: true,
  },
];
export const CORE_ROUTES = ROUTES.filter((r) => !r.extra);
export const METHODS = ['GET', 'POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS', 'HEAD'];
export const NEVER_HIT = /^\/events\b/;

/** The coverage label of `method path`: its route, else `wrong method` if another method has that path. */
export function labelFor(method: string, path: string): string {
  const clean = path.split('?')[0]!.replace(/\/+$/, '') || '/';
  return routeFor(method, clean)?.label ?? (ROUTES.some((r) => r.path.test(clean)) ? 'wrong method' : 'unknown route');
}

/** Which route (if any) serves `method path` (path relative to the API prefix). */
export function routeFor(method: string, path: string): RouteSpec | undefined {
  const clean = path.replace(/\/+$/, '') || '/';
  return ROUTES.find((r) => (r.method === method || (method === 'HEAD' && r.method === 'GET')) && r.path.test(clean));
}
