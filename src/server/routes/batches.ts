import { randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import {
  publishSchema,
  type BatchState,
  type InputEncoding,
  type PublishRequest,
  type PublishResponse,
  type ResultLine,
} from '../../protocol/api.js';
import { resultsQuerySchema, type ResultsQuery } from '../../protocol/batch-lifecycle.js';
import { MAX_INPUT_BYTES } from '../../protocol/abi.js';
import {
  base64ToBytes,
  bytesToBase64,
  bytesToJson,
  isBase64,
  jsonDepth,
  jsonToBytes,
  MAX_JSON_DEPTH,
} from '../../protocol/encoding.js';
import { ApiError } from '../api-error.js';
import { requirePublisher } from '../auth.js';
import type { ServerContext } from '../context.js';
import type { BatchPolicy, BatchRow, QuizInput, Store, StoredResult, UnitInput } from '../store/store.js';
import type { AppendOutcome } from '../store/batches.js';

export const PUBLISH_BODY_LIMIT = 64 * 1024 * 1024;
const RESULTS_PAGE = 1000;

export const DEFAULT_POLICY: BatchPolicy = {
  quorum: 2,
  maxResults: 5,
  deadlineSeconds: 600,
  credit: 1,
  validator: 'exact',
  tolerance: 1e-9,
  maxRunSeconds: 300,
  replication: 'adaptive',
};

function policyOf(body: PublishRequest): BatchPolicy {
  const deadlineSeconds = body.deadlineSeconds ?? DEFAULT_POLICY.deadlineSeconds;
  const policy: BatchPolicy = {
    quorum: body.quorum ?? DEFAULT_POLICY.quorum,
    maxResults: body.maxResults ?? Math.max(DEFAULT_POLICY.maxResults, body.quorum ?? 0),
    deadlineSeconds,
    credit: body.credit ?? DEFAULT_POLICY.credit,
    validator: body.validator ?? DEFAULT_POLICY.validator,
    tolerance: body.tolerance ?? DEFAULT_POLICY.tolerance,
    maxRunSeconds: body.maxRunSeconds ?? Math.min(DEFAULT_POLICY.maxRunSeconds, deadlineSeconds),
    replication: body.replication ?? DEFAULT_POLICY.replication,
  };
  if (policy.maxResults < policy.quorum) {
    throw new ApiError(
      'SC_BAD_REQUEST',
      `maxResults (${policy.maxResults}) must be at least quorum (${policy.quorum})`,
    );
  }
  if (policy.maxRunSeconds > policy.deadlineSeconds) {
    throw new ApiError('SC_BAD_REQUEST', `maxRunSeconds (${policy.maxRunSeconds}) must not exceed deadlineSeconds`);
  }
  return policy;
}

function quizInputs(body: PublishRequest): QuizInput[] {
  return (body.quiz ?? []).map((quiz, index) => {
    const [input] = unitInputs({ ...body, inputs: [quiz.input] }, `quiz ${index}`);
    if (jsonDepth(quiz.output, MAX_JSON_DEPTH) > MAX_JSON_DEPTH) {
      throw new ApiError('SC_INPUT_INVALID', `quiz ${index} output nests deeper than ${MAX_JSON_DEPTH} levels`);
    }
    return { ...input!, expected: jsonToBytes(quiz.output) };
  });
}

/** The units of a publish or append body; `base` is the input index of `inputs[0]`, for messages. */
export function unitInputs(
  body: { inputs: unknown[]; encoding?: InputEncoding },
  label = 'input',
  base = 0,
): UnitInput[] {
  return body.inputs.map((value, position) => {
    const index = label === 'input' ? `input ${base + position}` : label;
    let bytes: Uint8Array;
    if (body.encoding === 'base64') {
      if (typeof value !== 'string' || !isBase64(value)) {
        throw new ApiError('SC_INPUT_INVALID', `${index} is not a base64 string`);
      }
      bytes = base64ToBytes(value);
    } else {
      if (jsonDepth(value, MAX_JSON_DEPTH) > MAX_JSON_DEPTH) {
        throw new ApiError('SC_INPUT_INVALID', `${index} nests deeper than ${MAX_JSON_DEPTH} levels`);
      }
      bytes = jsonToBytes(value);
    }
    if (bytes.length > MAX_INPUT_BYTES) {
      throw new ApiError('SC_INPUT_INVALID', `${index} is ${bytes.length} bytes; the limit is ${MAX_INPUT_BYTES}`);
    }
    return { bytes, encoding: body.encoding ?? 'json' };
  });
}

export async function ownedBatch(store: Store, publisher: string, id: string): Promise<BatchRow> {
  const batch = await store.getBatch(id);
  if (!batch) throw new ApiError('SC_BATCH_UNKNOWN', id);
  const project = await store.getProject(batch.project);
  if (project?.owner !== publisher) throw new ApiError('SC_FORBIDDEN', `batch ${id} belongs to another publisher`);
  return batch;
}

/** The API error for an append the store refused. */
export function appendRefusal(outcome: Exclude<AppendOutcome, { ok: true }>, batch: string, offset: number): ApiError {
  switch (outcome.reason) {
    case 'unknown':
      return new ApiError('SC_BATCH_UNKNOWN', batch);
    case 'closed':
      return new ApiError('SC_BATCH_CLOSED', batch);
    case 'cancelled':
      return new ApiError('SC_BATCH_CANCELLED', batch);
    case 'gap':
      return new ApiError(
        'SC_BATCH_OFFSET',
        `offset ${offset} is past the ${outcome.total} units batch ${batch} holds`,
      );
  }
}

/** Renders bytes as JSON when they are JSON, else base64 marked as such. */
function present(bytes: Uint8Array): { value: unknown; base64: boolean } {
  const json = bytesToJson(bytes);
  return json ? { value: json.value, base64: false } : { value: bytesToBase64(bytes), base64: true };
}

export function batchRoutes(app: FastifyInstance, { store, clock }: ServerContext): void {
  app.post<{ Params: { project: string }; Body: PublishRequest }>(
    '/projects/:project/batches',
    { schema: { body: publishSchema }, bodyLimit: PUBLISH_BODY_LIMIT },
    async (request, reply) => {
      const publisher = await requirePublisher(store, request);
      const project = await store.getProject(request.params.project);
      if (!project) throw new ApiError('SC_PROJECT_UNKNOWN', request.params.project);
      if (project.owner !== publisher)
        throw new ApiError('SC_FORBIDDEN', `project ${project.id} belongs to another publisher`);
      const kernel = await store.getKernel(request.body.kernel);
      if (!kernel) throw new ApiError('SC_KERNEL_UNKNOWN', request.body.kernel);
      const policy = policyOf(request.body);
      const inputs = unitInputs(request.body);
      const quizzes = quizInputs(request.body);
      const { name, open = false } = request.body;
      const state: BatchState = open ? 'open' : 'closed';
      const existing = name === undefined ? undefined : await store.findBatchByName(project.id, name);
      if (existing) return reply.status(200).send(await resume(store, existing, kernel.hash, policy, inputs, open));
      const id = 'b_' + randomBytes(8).toString('base64url');
      const row: BatchRow = {
        id,
        project: project.id,
        kernel: kernel.hash,
        total: inputs.length,
        createdAt: clock(),
        ...policy,
        name: name ?? null,
        state,
      };
      if (!(await store.createBatch(row, inputs, quizzes))) {
        // Another request created the batch of this name in the meantime: resume that one.
        const raced = (await store.findBatchByName(project.id, name!))!;
        return reply.status(200).send(await resume(store, raced, kernel.hash, policy, inputs, open));
      }
      const body: PublishResponse = { batch: id, units: inputs.length, state };
      return reply.status(201).send(body);
    },
  );

  app.get<{ Params: { batch: string } }>('/batches/:batch', async (request) => {
    const publisher = await requirePublisher(store, request);
    await ownedBatch(store, publisher, request.params.batch);
    return store.batchStatus(request.params.batch);
  });

  app.get<{ Params: { batch: string }; Querystring: ResultsQuery }>(
    '/batches/:batch/results',
    { schema: { querystring: resultsQuerySchema } },
    async (request, reply) => {
      const publisher = await requirePublisher(store, request);
      const batch = await ownedBatch(store, publisher, request.params.batch);
      const { order = 'input', settled } = request.query;
      if (order === 'validated' && settled !== undefined)
        throw new ApiError('SC_BAD_REQUEST', 'settled applies to order=input only');
      let after = Number(request.query.after ?? (order === 'input' ? -1 : 0));
      async function* lines() {
        for (;;) {
          const page: (StoredResult & { seq?: number })[] =
            order === 'input'
              ? await store.batchResults(batch.id, after, RESULTS_PAGE, settled === 'true')
              : await store.batchResultsValidated(batch.id, after, RESULTS_PAGE);
          if (page.length === 0) return;
          let chunk = '';
          for (const result of page) {
            chunk += JSON.stringify(resultLine(result)) + '\n';
            after = result.seq ?? result.index;
          }
          yield chunk;
          if (page.length < RESULTS_PAGE) return;
        }
      }
      return reply.header('content-type', 'application/x-ndjson; charset=utf-8').send(Readable.from(lines()));
    },
  );
}

function resultLine(result: StoredResult & { seq?: number }): ResultLine {
  const input =
    result.inputEncoding === 'base64' ? { value: bytesToBase64(result.input), base64: true } : present(result.input);
  const output = present(result.output);
  return {
    index: result.index,
    ...(result.seq !== undefined ? { seq: result.seq } : {}),
    input: input.value,
    output: output.value,
    ...(input.base64 ? { inputEncoding: 'base64' as const } : {}),
    ...(output.base64 ? { outputEncoding: 'base64' as const } : {}),
  };
}

/** The policy fields a resumed publish must repeat exactly. */
const POLICY_FIELDS = [
  'quorum',
  'maxResults',
  'deadlineSeconds',
  'credit',
  'validator',
  'tolerance',
  'maxRunSeconds',
  'replication',
] as const satisfies readonly (keyof BatchPolicy)[];

/** A publish under a name the project has: adds the inputs the batch lacks, as an append at 0. */
async function resume(
  store: Store,
  batch: BatchRow,
  kernel: string,
  policy: BatchPolicy,
  inputs: UnitInput[],
  open: boolean,
): Promise<PublishResponse> {
  const named = `batch "${batch.name}" (${batch.id})`;
  if (batch.kernel !== kernel) throw new ApiError('SC_BATCH_CONFLICT', `${named} runs kernel ${batch.kernel}`);
  const differs = POLICY_FIELDS.find((field) => batch[field] !== policy[field]);
  if (differs) throw new ApiError('SC_BATCH_CONFLICT', `${named} has ${differs} ${batch[differs]}`);
  if (batch.state === 'cancelled') throw new ApiError('SC_BATCH_CANCELLED', named);
  const outcome = await store.appendUnits(batch.id, 0, inputs);
  if (!outcome.ok) throw appendRefusal(outcome, batch.id, 0);
  const state = !open ? await store.closeBatch(batch.id) : batch.state;
  return { batch: batch.id, units: outcome.total, state: state ?? 'closed' };
}
