// Request and response bodies of the task server's HTTP API (`/api/v1`), with the JSON schemas
// the server validates them against. docs/API.md describes the same routes in prose.

export const API_PREFIX = '/api/v1';

export type ValidatorKind = 'exact' | 'json-tolerance';
export type InputEncoding = 'json' | 'base64';

/** Per-state unit counts of a batch, as shown by `sparecycles status`. */
export interface UnitCounts {
  unsent: number;
  inFlight: number;
  validating: number;
  done: number;
  error: number;
}
export type UnitState = keyof UnitCounts;

/**
 * A project's description in other languages, by the volunteer page's locale codes, beside
 * `description` (the text for every other language, usually English). Only `zh` (Simplified
 * Chinese) for now.
 */
export interface DescriptionTranslations {
  zh?: string;
}
export interface CreateProjectRequest {
  name: string;
  description?: string;
  descriptions?: DescriptionTranslations;
}
export interface ProjectInfo {
  id: string;
  name: string;
  description: string;
  /** Present only when the project has a translated description. */
  descriptions?: DescriptionTranslations;
  units: UnitCounts;
  /** Whether its validated outputs are public (GET /projects/:id/outputs), e.g. the demo picture. */
  picture: boolean;
}
export interface CreateProjectResponse {
  id: string;
  name: string;
}

export interface KernelInfo {
  hash: string;
  abi: string;
  size: number;
}

export interface PublishRequest {
  kernel: string;
  /** JSON values (each reaches the kernel as its UTF-8 JSON text) or base64 strings of bytes. */
  inputs: unknown[];
  encoding?: InputEncoding;
  quorum?: number;
  maxResults?: number;
  deadlineSeconds?: number;
  credit?: number;
  validator?: ValidatorKind;
  tolerance?: number;
  /** Wall-clock budget for one run of the kernel on a volunteer, in seconds. */
  maxRunSeconds?: number;
  /** `adaptive` (default): trusted volunteers may have units accepted alone; `full`: never. */
  replication?: 'adaptive' | 'full';
  /** Known-answer units, handed out like any other; a volunteer failing one loses all trust. */
  quiz?: { input: unknown; output: unknown }[];
  /**
   * Names the batch within its project: publishing again under the same name adds only the
   * inputs the batch lacks (resume), never one twice.
   */
  name?: string;
  /** Keep the batch open for more units (POST /batches/:id/units) until POST /batches/:id/close. */
  open?: boolean;
}
export interface PublishResponse {
  batch: string;
  /** Units the batch holds after this request. */
  units: number;
  state: BatchState;
}

/** `open`: taking more units; `closed`: complete once every unit is done; `cancelled`: stopped. */
export type BatchState = 'open' | 'closed' | 'cancelled';

export interface BatchStatus {
  batch: string;
  /** The name it was published under, if any. */
  name: string | null;
  project: string;
  kernel: string;
  state: BatchState;
  total: number;
  counts: UnitCounts;
  /** Units a cancel stopped before they were validated. */
  cancelled: number;
  /** True when nothing more will happen: closed with every unit validated or in error, or cancelled. */
  done: boolean;
  createdAt: number;
  /** Why units were given up (the first few, in input order). */
  errors: { index: number; reason: string }[];
}

/** One line of `GET /batches/:id/results` (JSONL), in input order, validated units only. */
export interface ResultLine {
  index: number;
  /** With `?order=validated`: the unit's place in validation order, the cursor for `after`. */
  seq?: number;
  input: unknown;
  output: unknown;
  /** Present as "base64" when the input/output bytes are not valid JSON. */
  inputEncoding?: 'base64';
  outputEncoding?: 'base64';
}

export interface RegisterVolunteerRequest {
  /** ECDSA P-256 public key, SPKI DER in base64: result submissions must be signed with its key. */
  publicKey: string;
  name?: string;
  site?: string;
}

/** Header carrying the volunteer's ECDSA P-256 / SHA-256 signature (IEEE P1363, base64) of the raw body. */
export const SIGNATURE_HEADER = 'x-sc-signature';
export interface RegisterVolunteerResponse {
  volunteer: string;
  secret: string;
  name: string;
}
export interface VolunteerInfo {
  volunteer: string;
  name: string;
  credit: number;
  validated: number;
  invalid: number;
  pending: number;
}

export interface LeaseRequest {
  max: number;
  projects?: string[];
}
export interface Lease {
  lease: string;
  unit: string;
  project: string;
  batch: string;
  kernel: string;
  abi: string;
  /** Input bytes, base64. */
  input: string;
  /** Epoch milliseconds after which the lease is void. */
  deadline: number;
  maxRunSeconds: number;
}
export interface LeaseResponse {
  leases: Lease[];
}

export interface ResultSubmission {
  lease: string;
  /** Output bytes, base64, when the kernel succeeded. */
  output?: string;
  /** The kernel's error message, when it failed. */
  error?: string;
  /** CPU milliseconds the volunteer spent (reported, never credited). */
  elapsedMs?: number;
}
export interface SubmitRequest {
  results: ResultSubmission[];
}
export type SubmitOutcome = 'accepted' | 'late' | 'duplicate' | 'rejected';
export interface SubmitAck {
  lease: string;
  outcome: SubmitOutcome;
  /** Set when outcome is "rejected": an ErrorCode. */
  code?: string;
  message?: string;
}
export interface SubmitResponse {
  acks: SubmitAck[];
}

export interface LeaderboardEntry {
  volunteer: string;
  name: string;
  credit: number;
  validated: number;
}

// ---- JSON schemas (draft-07, as Fastify's ajv reads them) ----

const positiveInt = (max: number) => ({ type: 'integer', minimum: 1, maximum: max }) as const;

export const createProjectSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['name'],
  properties: {
    name: { type: 'string', minLength: 1, maxLength: 100, pattern: '\\S' },
    description: { type: 'string', maxLength: 4000 },
    descriptions: {
      type: 'object',
      additionalProperties: false,
      properties: { zh: { type: 'string', maxLength: 4000 } },
    },
  },
} as const;

export const publishSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['kernel', 'inputs'],
  properties: {
    kernel: { type: 'string', pattern: '^[0-9a-f]{64}$' },
    inputs: { type: 'array', minItems: 1, maxItems: 100000 },
    encoding: { type: 'string', enum: ['json', 'base64'] },
    quorum: positiveInt(16),
    maxResults: positiveInt(64),
    deadlineSeconds: positiveInt(30 * 24 * 3600),
    credit: { type: 'number', exclusiveMinimum: 0, maximum: 1e9 },
    validator: { type: 'string', enum: ['exact', 'json-tolerance'] },
    tolerance: { type: 'number', minimum: 0, maximum: 1 },
    maxRunSeconds: positiveInt(24 * 3600),
    replication: { type: 'string', enum: ['adaptive', 'full'] },
    quiz: {
      type: 'array',
      maxItems: 10000,
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['input', 'output'],
        properties: { input: {}, output: {} },
      },
    },
    name: { type: 'string', minLength: 1, maxLength: 200, pattern: '\\S' },
    open: { type: 'boolean' },
  },
} as const;

export const registerVolunteerSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['publicKey'],
  properties: {
    publicKey: { type: 'string', minLength: 40, maxLength: 400 },
    name: { type: 'string', minLength: 1, maxLength: 40 },
    site: { type: 'string', maxLength: 100 },
  },
} as const;

/** The largest body POST /results and PUT /leases/:lease/result accept. */
export const MAX_RESULTS_BODY_BYTES = 32 * 1024 * 1024;

/** The most units one lease request may ask for. */
export const MAX_LEASE_UNITS = 256;

export const leaseSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['max'],
  properties: {
    max: positiveInt(MAX_LEASE_UNITS),
    projects: { type: 'array', maxItems: 100, items: { type: 'string', minLength: 1, maxLength: 100 } },
  },
} as const;

export const submitSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['results'],
  properties: {
    results: {
      type: 'array',
      minItems: 1,
      maxItems: 256,
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['lease'],
        properties: {
          lease: { type: 'string', minLength: 1, maxLength: 64 },
          output: { type: 'string', maxLength: 24 * 1024 * 1024 },
          error: { type: 'string', maxLength: 4000 },
          elapsedMs: { type: 'number', minimum: 0 },
        },
      },
    },
  },
} as const;

/**
 * Where a volunteer's own result stands: `waiting` for a second opinion (or not yet decided),
 * `confirmed` (validated and credited), `rejected` (others agreed on another answer), `error`
 * (the kernel failed), `late` (the unit was decided before it arrived).
 */
export type OwnResultStatus = 'waiting' | 'confirmed' | 'rejected' | 'error' | 'late';

/** The most leases one POST /volunteers/me/results may ask about. */
export const MAX_STATUS_LEASES = 256;

export interface ResultStatusRequest {
  leases: string[];
}

export interface ResultStatusResponse {
  /** One entry per asked lease that is this volunteer's and was returned; others are left out. */
  results: { lease: string; unit: string; project: string; status: OwnResultStatus }[];
}

export const resultStatusSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['leases'],
  properties: {
    leases: {
      type: 'array',
      minItems: 1,
      maxItems: MAX_STATUS_LEASES,
      items: { type: 'string', minLength: 1, maxLength: 100 },
    },
  },
} as const;
