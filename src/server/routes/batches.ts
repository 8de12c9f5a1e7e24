import { randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import { publishSchema, type PublishRequest, type PublishResponse, type ResultLine } from '../../protocol/api.js';
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
import type { BatchPolicy, BatchRow, QuizInput, Store, UnitInput } from '../store/store.js';

const PUBLISH_BODY_LIMIT = 64 * 1024 * 1024;
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

function unitInputs(body: PublishRequest, label = 'input'): UnitInput[] {
  return body.inputs.map((value, position) => {
    const index = label === 'input' ? `input ${position}` : label;
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

async function ownedBatch(store: Store, publisher: string, id: string): Promise<BatchRow> {
  const batch = await store.getBatch(id);
  if (!batch) throw new ApiError('SC_BATCH_UNKNOWN', id);
  const project = await store.getProject(batch.project);
  if (project?.owner !== publisher) throw new ApiError('SC_FORBIDDEN', `batch ${id} belongs to another publisher`);
  return batch;
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
      const id = 'b_' + randomBytes(8).toString('base64url');
      await store.createBatch(
        { id, project: project.id, kernel: kernel.hash, total: inputs.length, createdAt: clock(), ...policy },
        inputs,
        quizzes,
      );
      const body: PublishResponse = { batch: id, units: inputs.length };
      return reply.status(201).send(body);
    },
  );

  app.get<{ Params: { batch: string } }>('/batches/:batch', async (request) => {
    const publisher = await requirePublisher(store, request);
    await ownedBatch(store, publisher, request.params.batch);
    return store.batchStatus(request.params.batch);
  });

  app.get<{ Params: { batch: string } }>('/batches/:batch/results', async (request, reply) => {
    const publisher = await requirePublisher(store, request);
    const batch = await ownedBatch(store, publisher, request.params.batch);
    async function* lines() {
      for (let after = -1; ;) {
        const page = await store.batchResults(batch.id, after, RESULTS_PAGE);
        if (page.length === 0) return;
        let chunk = '';
        for (const result of page) {
          const input =
            result.inputEncoding === 'base64'
              ? { value: bytesToBase64(result.input), base64: true }
              : present(result.input);
          const output = present(result.output);
          const line: ResultLine = {
            index: result.index,
            input: input.value,
            output: output.value,
            ...(input.base64 ? { inputEncoding: 'base64' as const } : {}),
            ...(output.base64 ? { outputEncoding: 'base64' as const } : {}),
          };
          chunk += JSON.stringify(line) + '\n';
          after = result.index;
        }
        yield chunk;
      }
    }
    return reply.header('content-type', 'application/x-ndjson; charset=utf-8').send(Readable.from(lines()));
  });
}
