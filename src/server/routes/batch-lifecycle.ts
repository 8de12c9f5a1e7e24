// A batch built in several requests: chunks appended while it is open, then closed; and
// cancelling a batch. See src/server/store/batches.ts for what each does to the units.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import {
  appendUnitsSchema,
  emptyBodySchema,
  type AppendUnitsRequest,
  type AppendUnitsResponse,
} from '../../protocol/batch-lifecycle.js';
import { requirePublisher } from '../auth.js';
import type { ServerContext } from '../context.js';
import { appendRefusal, ownedBatch, PUBLISH_BODY_LIMIT, unitInputs } from './batches.js';

/** Close and cancel may be sent with no body at all: it is checked as an empty object. */
async function noBodyIsEmpty(request: FastifyRequest): Promise<void> {
  request.body ??= {};
}

export function batchLifecycleRoutes(app: FastifyInstance, { store }: ServerContext): void {
  app.post<{ Params: { batch: string }; Body: AppendUnitsRequest }>(
    '/batches/:batch/units',
    { schema: { body: appendUnitsSchema }, bodyLimit: PUBLISH_BODY_LIMIT },
    async (request) => {
      const publisher = await requirePublisher(store, request);
      const batch = await ownedBatch(store, publisher, request.params.batch);
      const { offset } = request.body;
      const inputs = unitInputs(request.body, 'input', offset);
      const outcome = await store.appendUnits(batch.id, offset, inputs);
      if (!outcome.ok) throw appendRefusal(outcome, batch.id, offset);
      const body: AppendUnitsResponse = { batch: batch.id, units: outcome.total, added: outcome.added };
      return body;
    },
  );

  app.post<{ Params: { batch: string } }>(
    '/batches/:batch/close',
    { schema: { body: emptyBodySchema }, preValidation: noBodyIsEmpty },
    async (request) => {
      const publisher = await requirePublisher(store, request);
      const batch = await ownedBatch(store, publisher, request.params.batch);
      await store.closeBatch(batch.id);
      return store.batchStatus(batch.id);
    },
  );

  app.post<{ Params: { batch: string } }>(
    '/batches/:batch/cancel',
    { schema: { body: emptyBodySchema }, preValidation: noBodyIsEmpty },
    async (request) => {
      const publisher = await requirePublisher(store, request);
      const batch = await ownedBatch(store, publisher, request.params.batch);
      const { voided } = (await store.cancelBatch(batch.id))!;
      return { ...(await store.batchStatus(batch.id))!, voided };
    },
  );
}
