// The volunteer side of the scheduler: lease units, return results. Results are recorded and
// validated in one transaction before the acknowledgement is sent.
import type { FastifyInstance } from 'fastify';
import {
  MAX_RESULTS_BODY_BYTES,
  SIGNATURE_HEADER,
  leaseSchema,
  submitSchema,
  type LeaseRequest,
  type LeaseResponse,
  type ResultSubmission,
  type SubmitRequest,
  type SubmitResponse,
} from '../../protocol/api.js';
import { base64ToBytes, isBase64 } from '../../protocol/encoding.js';
import { isErrorCode } from '../../protocol/errors.js';
import { ApiError } from '../api-error.js';
import { requireVolunteer } from '../auth.js';
import { requireSignature } from '../signatures.js';
import type { ServerContext } from '../context.js';
import type { SubmittedResult } from '../store/store.js';
import { decideUnit } from '../validator.js';

const { lease: _lease, ...singleResultProperties } = submitSchema.properties.results.items.properties;
const singleResultSchema = { type: 'object', additionalProperties: false, properties: singleResultProperties } as const;

function toSubmitted(result: ResultSubmission, index: number): SubmittedResult {
  if ((result.output === undefined) === (result.error === undefined)) {
    throw new ApiError('SC_BAD_REQUEST', `results/${index} must have exactly one of "output" or "error"`);
  }
  if (result.output !== undefined) {
    if (!isBase64(result.output)) throw new ApiError('SC_BAD_REQUEST', `results/${index}/output is not base64`);
    return { lease: result.lease, output: base64ToBytes(result.output) };
  }
  return { lease: result.lease, error: result.error! };
}

export function workRoutes(app: FastifyInstance, { store, clock }: ServerContext): void {
  app.post<{ Body: LeaseRequest }>('/lease', { schema: { body: leaseSchema } }, async (request) => {
    const volunteer = await requireVolunteer(store, request);
    const leases = await store.leaseUnits(volunteer.id, request.body.max, request.body.projects, clock());
    const body: LeaseResponse = { leases };
    return body;
  });

  app.post<{ Body: SubmitRequest }>(
    '/results',
    { schema: { body: submitSchema }, bodyLimit: MAX_RESULTS_BODY_BYTES },
    async (request) => {
      const volunteer = await requireVolunteer(store, request);
      requireSignature(volunteer.publicKey, request.rawBody, request.headers[SIGNATURE_HEADER]);
      const results = request.body.results.map(toSubmitted);
      const acks = await store.submitResults(volunteer.id, results, clock(), decideUnit);
      const body: SubmitResponse = { acks };
      return body;
    },
  );

  // One result, with refusals as HTTP errors: for clients that submit one at a time.
  app.put<{ Params: { lease: string }; Body: Omit<ResultSubmission, 'lease'> }>(
    '/leases/:lease/result',
    { schema: { body: singleResultSchema }, bodyLimit: MAX_RESULTS_BODY_BYTES },
    async (request) => {
      const volunteer = await requireVolunteer(store, request);
      requireSignature(volunteer.publicKey, request.rawBody, request.headers[SIGNATURE_HEADER]);
      const result = toSubmitted({ ...request.body, lease: request.params.lease }, 0);
      const [ack] = await store.submitResults(volunteer.id, [result], clock(), decideUnit);
      if (ack?.outcome === 'rejected') {
        throw new ApiError(isErrorCode(ack.code) ? ack.code : 'SC_BAD_REQUEST', request.params.lease);
      }
      return ack;
    },
  );
}
