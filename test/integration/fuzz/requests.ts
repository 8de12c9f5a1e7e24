// A fuzzed request, what it expects, the reply, and how both are shown in a report.
import type { FastifyInstance, InjectOptions } from 'fastify';
import type { HeldLease, Volunteer } from './model.js';

/** What the request must get: a 2xx (`ok`), a refusal (`reject`), or either (`any`). */
export type Expect = 'ok' | 'reject' | 'any';
/** What a mutation did, and what it makes the request expect. */
export interface Outcome {
  what: string;
  expect: Expect;
}

export interface Req {
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
export interface Reply {
  status: number;
  text: string;
  json: any;
  contentType: string;
}

/** Sends `req` in process (no sockets). */
export const inject = (app: FastifyInstance, req: Req) =>
  app.inject({
    method: req.method as InjectOptions['method'],
    url: req.url,
    headers: req.headers,
    ...(req.payload === undefined ? {} : { payload: req.payload }),
  });

export function preview(value: string, max = 240): string {
  const shown = JSON.stringify(value.length > max ? value.slice(0, max) : value);
  return value.length > max ? `${shown}…(${value.length} chars)` : shown;
}
export function describeReq(req: Req): string {
  const body =
    req.payload === undefined
      ? ''
      : Buffer.isBuffer(req.payload)
        ? ` body=<${req.payload.length} bytes ${req.payload.subarray(0, 24).toString('hex')}…>`
        : ` body=${preview(req.payload)}`;
  return `#${req.n} [${req.kind}] ${req.method} ${preview(req.url, 160)} headers=${preview(JSON.stringify(req.headers), 200)}${body}`;
}

export const jsonHeaders = (auth?: string) => ({
  'content-type': 'application/json',
  ...(auth === undefined ? {} : { authorization: `Bearer ${auth}` }),
});
