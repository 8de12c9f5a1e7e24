// The batch lifecycle beyond one publish request: a batch opened with `open: true` takes more
// units in chunks (POST /batches/:id/units), then is closed (POST /batches/:id/close) or
// cancelled (POST /batches/:id/cancel). Every chunk says where in the input it starts, so a
// retried or resumed upload never adds a unit twice and the batch keeps the input order.
import type { InputEncoding } from './api.js';

/** The most inputs one publish or append request may carry; a batch itself has no cap. */
export const MAX_INPUTS_PER_REQUEST = 100_000;

export interface AppendUnitsRequest {
  /** The input index of `inputs[0]`: the batch's unit count when this chunk was read. */
  offset: number;
  inputs: unknown[];
  encoding?: InputEncoding;
}
export interface AppendUnitsResponse {
  batch: string;
  /** Units the batch holds after this request. */
  units: number;
  /** Units this request added (fewer than sent when a retry repeats units already there). */
  added: number;
}

/** `GET /batches/:id/results` query: input order (cursor: index) or validation order (cursor: seq). */
export interface ResultsQuery {
  order?: 'input' | 'validated';
  /** Exclusive cursor: the last `index` (input order) or `seq` (validated order) already seen. */
  after?: string;
  /**
   * Input order only: stop before the first unit still being computed, so a follower can
   * advance its cursor to the last line it got without ever skipping a later result.
   */
  settled?: 'true' | 'false';
}

export const appendUnitsSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['offset', 'inputs'],
  properties: {
    offset: { type: 'integer', minimum: 0, maximum: 2 ** 31 - 1 },
    inputs: { type: 'array', minItems: 1, maxItems: MAX_INPUTS_PER_REQUEST },
    encoding: { type: 'string', enum: ['json', 'base64'] },
  },
} as const;

/** Close and cancel take no parameters: an empty JSON object, or no body at all. */
export const emptyBodySchema = {
  type: 'object',
  additionalProperties: false,
  properties: {},
} as const;

export const resultsQuerySchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    order: { type: 'string', enum: ['input', 'validated'] },
    after: { type: 'string', pattern: '^(-1|[0-9]{1,15})$' },
    settled: { type: 'string', enum: ['true', 'false'] },
  },
} as const;
