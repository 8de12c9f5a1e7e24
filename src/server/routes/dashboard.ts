// What the project dashboard reads: a lead's projects and batches with live statistics, CSV
// results, a server-sent event stream, and the public outputs behind the demo's picture.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { bytesToBase64, bytesToJson } from '../../protocol/encoding.js';
import { ApiError } from '../api-error.js';
import { hashSecret, requirePublisher } from '../auth.js';
import type { ServerContext } from '../context.js';
import type { Store } from '../store/store.js';

const pageSchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    after: { type: 'string', pattern: '^[0-9]{1,15}$' },
    limit: { type: 'string', pattern: '^[0-9]{1,5}$' },
  },
} as const;
const outputsQuerySchema = {
  ...pageSchema,
  properties: { ...pageSchema.properties, tail: { type: 'string', pattern: '^[1-9][0-9]{0,4}$' } },
} as const;
const STREAM_INTERVAL_MS = 1000;
/**
 * Batches per project in a dashboard frame, newest first: a work generator makes a batch per step
 * and never stops, and the frame is sent every second.
 */
export const FRAME_BATCHES = 20;

async function ownedProject(store: Store, publisher: string, id: string) {
  const project = await store.getProject(id);
  if (!project) throw new ApiError('SC_PROJECT_UNKNOWN', id);
  if (project.owner !== publisher) throw new ApiError('SC_FORBIDDEN', `project ${id} belongs to another publisher`);
  return project;
}

/** A lead's projects with their batches and each batch's statistics: one dashboard frame. */
async function dashboardFrame(store: Store, publisher: string, now: number) {
  const projects = await store.listProjectsOf(publisher);
  return {
    at: now,
    projects: await Promise.all(
      projects.map(async (project) => {
        const generator = await store.generatorStatus(project.id);
        return {
          ...project,
          batchCount: await store.batchCount(project.id),
          generator: generator
            ? { name: generator.name, steps: generator.steps, minUnsent: generator.minUnsent }
            : null,
          batches: await Promise.all(
            (await store.listBatches(project.id, FRAME_BATCHES)).map(async (batch) => ({
              ...batch,
              stats: await store.batchStats(batch.batch, now),
            })),
          ),
        };
      }),
    ),
  };
}

/** EventSource cannot send headers, so the stream also takes the token as `?token=`. */
async function publisherFromQuery(store: Store, request: FastifyRequest): Promise<string | undefined> {
  const token = (request.query as { token?: string }).token;
  if (!token) return undefined;
  const publisher = await store.findPublisher(hashSecret(token));
  if (!publisher) throw new ApiError('SC_TOKEN_INVALID');
  return publisher;
}

export function dashboardRoutes(app: FastifyInstance, { store, clock }: ServerContext): void {
  app.get('/me/projects', async (request) => {
    const publisher = await requirePublisher(store, request);
    return dashboardFrame(store, publisher, clock());
  });

  app.get<{ Params: { project: string } }>('/projects/:project/batches', async (request) => {
    const publisher = await requirePublisher(store, request);
    await ownedProject(store, publisher, request.params.project);
    return { batches: await store.listBatches(request.params.project) };
  });

  app.get<{ Params: { batch: string } }>('/batches/:batch/stats', async (request) => {
    const publisher = await requirePublisher(store, request);
    const batch = await store.getBatch(request.params.batch);
    if (!batch) throw new ApiError('SC_BATCH_UNKNOWN', request.params.batch);
    await ownedProject(store, publisher, batch.project);
    return store.batchStats(batch.id, clock());
  });

  app.get<{ Params: { project: string }; Querystring: { after?: string; limit?: string; tail?: string } }>(
    '/projects/:project/outputs',
    { schema: { querystring: outputsQuerySchema } },
    async (request) => {
      const project = await store.getProject(request.params.project);
      if (!project) throw new ApiError('SC_PROJECT_UNKNOWN', request.params.project);
      if (!project.publicResults) await ownedProject(store, await requirePublisher(store, request), project.id);
      const limit = Math.min(Number(request.query.limit ?? 500), 5000) || 500;
      const { tail } = request.query;
      if (tail !== undefined && request.query.after !== undefined) {
        throw new ApiError('SC_BAD_REQUEST', 'give either "after" or "tail", not both');
      }
      // `tail=N`: start N validations before the newest (a picture needs its recent frames, not all).
      const after =
        tail !== undefined
          ? Math.max(0, (await store.latestOutputSeq(project.id)) - Number(tail))
          : Number(request.query.after ?? 0);
      const outputs = await store.validatedOutputs(project.id, after, limit);
      return {
        outputs: outputs.map((o) => ({
          seq: o.seq,
          input: bytesToJson(o.input)?.value ?? bytesToBase64(o.input),
          output: bytesToJson(o.output)?.value ?? bytesToBase64(o.output),
        })),
        next: outputs.length === limit ? outputs[outputs.length - 1]!.seq : null,
      };
    },
  );

  // Live updates: public project counts for everyone, plus the lead's batches with ?token=.
  app.get<{ Querystring: { token?: string } }>('/events', async (request, reply) => {
    const publisher = await publisherFromQuery(store, request);
    reply.hijack();
    const res = reply.raw;
    res.writeHead(200, {
      'content-type': 'text/event-stream',
      'cache-control': 'no-cache',
      connection: 'keep-alive',
    });
    let closed = false;
    const send = async () => {
      if (closed) return;
      try {
        const projects = await store.listProjects();
        res.write(`event: projects\ndata: ${JSON.stringify({ projects })}\n\n`);
        if (publisher) {
          res.write(`event: dashboard\ndata: ${JSON.stringify(await dashboardFrame(store, publisher, clock()))}\n\n`);
        }
      } catch {
        // the store is closing with the server; the client reconnects
      }
    };
    const timer = setInterval(send, STREAM_INTERVAL_MS);
    request.raw.on('close', () => {
      closed = true;
      clearInterval(timer);
    });
    await send();
  });
}
