// The project lead's client: projects, kernels, publishing batches of any size, and `map`,
// which runs a kernel over inputs on the volunteers and returns the outputs in input order.
import type {
  BatchStatus,
  CreateProjectResponse,
  DescriptionTranslations,
  KernelInfo,
  ProjectInfo,
  PublishResponse,
} from '../protocol/api.js';
import type { AppendUnitsResponse } from '../protocol/batch-lifecycle.js';
import { Batch } from './batch.js';
import { chunkBody, chunkInputs, type Chunk } from './chunks.js';
import { SparecyclesError } from './errors.js';
import { Http } from './http.js';
import type { ClientOptions, Inputs, MapOptions, Policy, PublishOptions } from './types.js';

const POLICY_KEYS = [
  'quorum',
  'maxResults',
  'deadlineSeconds',
  'credit',
  'validator',
  'tolerance',
  'maxRunSeconds',
  'replication',
] as const satisfies readonly (keyof Policy)[];

function policyOf(options: Policy): Policy {
  const policy: Record<string, unknown> = {};
  for (const key of POLICY_KEYS) if (options[key] !== undefined) policy[key] = options[key];
  return policy as Policy;
}

export class Client {
  private readonly http: Http;

  readonly projects = {
    /** `descriptions`: the description in other languages of the volunteer page (e.g. `{ zh: … }`). */
    create: (
      name: string,
      description?: string,
      descriptions?: DescriptionTranslations,
    ): Promise<CreateProjectResponse> =>
      this.http.json('POST', '/projects', {
        name,
        ...(description === undefined ? {} : { description }),
        ...(descriptions === undefined ? {} : { descriptions }),
      }),
    list: async (): Promise<ProjectInfo[]> =>
      (await this.http.json<{ projects: ProjectInfo[] }>('GET', '/projects')).projects,
  };

  readonly kernels = {
    /** Uploads a module (validated by the server); adding one it has already is harmless. */
    add: async (bytes: Uint8Array): Promise<KernelInfo> => {
      const info = await this.http.send<KernelInfo>('POST', '/kernels', { bytes });
      return { hash: info.hash, abi: info.abi, size: info.size };
    },
  };

  readonly batches = {
    /** A project's batches, newest first. */
    list: async (project: string): Promise<BatchStatus[]> =>
      (await this.http.json<{ batches: BatchStatus[] }>('GET', `/projects/${encodeURIComponent(project)}/batches`))
        .batches,
  };

  constructor(options: ClientOptions) {
    this.http = new Http(options.server, options.token, options.fetch);
  }

  /** A handle on a batch published earlier. */
  batch(id: string): Batch {
    return new Batch(this.http, id);
  }

  /**
   * Publishes `inputs` as one batch, streamed in chunks (volunteers start on the first while
   * the rest uploads). With `name`, a publish that died half-way is resumed by publishing the
   * same inputs under the same name: nothing is added twice and input order is kept.
   */
  async publish(options: PublishOptions): Promise<Batch> {
    const kernel = typeof options.kernel === 'string' ? options.kernel : await this.kernelHash(options.kernel);
    const chunks = chunkInputs(options.inputs, options.chunkUnits, options.chunkBytes);
    const first = await chunks.next();
    if (first.done) throw new SparecyclesError('SC_NO_INPUTS', 'there are no inputs to publish');
    const fields: Record<string, unknown> = { kernel, ...policyOf(options), open: true };
    if (options.name !== undefined) fields.name = options.name;
    if (options.quiz?.length) fields.quiz = options.quiz;
    const created = await this.http.send<PublishResponse>(
      'POST',
      `/projects/${encodeURIComponent(options.project)}/batches`,
      { text: chunkBody(fields, first.value) },
    );
    const batch = this.batch(created.batch);
    // A resumed batch holds `created.units` inputs already: those are read past, not sent.
    const held = created.units;
    let units = held;
    options.onProgress?.(held);
    let inFlight: Promise<unknown> | undefined;
    for await (const chunk of chunks) {
      const fresh = freshPart(chunk, held);
      if (!fresh) continue;
      await inFlight;
      inFlight = this.http
        .send<AppendUnitsResponse>('POST', `${batch.path}/units`, { text: chunkBody({ offset: fresh.offset }, fresh) })
        .then((appended) => {
          units = appended.units;
          options.onProgress?.(units);
        });
    }
    await inFlight;
    if (created.state !== 'closed') await batch.close();
    return new Batch(this.http, batch.id, units);
  }

  /** The hash of a module, uploading it only if the server does not have it yet. */
  private async kernelHash(bytes: Uint8Array): Promise<string> {
    // crypto.subtle exists on Node ≥ 20 and in secure browser contexts; without it, just upload.
    const subtle = globalThis.crypto?.subtle;
    if (subtle) {
      const digest = new Uint8Array(await subtle.digest('SHA-256', bytes as Uint8Array<ArrayBuffer>));
      const hash = [...digest].map((b) => b.toString(16).padStart(2, '0')).join('');
      if (await this.http.exists(`/kernels/${hash}`)) return hash;
    }
    return (await this.kernels.add(bytes)).hash;
  }

  /**
   * Runs `kernel` (a hash, or the module's bytes) over `inputs` on the volunteers and resolves
   * to the outputs in input order: JSON outputs parsed, others as bytes. Rejects with
   * SC_UNITS_FAILED naming the units that ended in error.
   */
  async map(kernel: string | Uint8Array, inputs: Inputs, options: MapOptions): Promise<unknown[]> {
    const batch = await this.publish({ ...options, kernel, inputs });
    const outputs: unknown[] = [];
    for await (const result of batch.results({ order: 'input', pollMs: options.pollMs ?? 500 }))
      outputs[result.index] = result.output;
    const status = await batch.status();
    if (status.state === 'cancelled')
      throw new SparecyclesError('SC_BATCH_CANCELLED', `batch ${batch.id} was cancelled before every unit validated`);
    if (status.counts.error > 0) {
      const named = status.errors.map((e) => `${e.index} (${e.reason})`).join(', ');
      throw new SparecyclesError(
        'SC_UNITS_FAILED',
        `${status.counts.error} of ${status.total} units ended in error: ${named}`,
        0,
        status.errors,
      );
    }
    return Array.from({ length: status.total }, (_, i) => outputs[i]);
  }
}

/** The part of a chunk past the first `held` inputs, or undefined when the batch holds it all. */
function freshPart(chunk: Chunk, held: number): Chunk | undefined {
  const skip = held - chunk.offset;
  if (skip <= 0) return chunk;
  if (skip >= chunk.items.length) return undefined;
  return { ...chunk, offset: held, items: chunk.items.slice(skip) };
}
