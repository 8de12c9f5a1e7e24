// The SDK's own shapes; the wire types come from src/protocol, shared with the server.
import type { BatchStatus, InputEncoding, ValidatorKind } from '../protocol/api.js';

export type { BatchState, BatchStatus, KernelInfo, ProjectInfo, UnitCounts } from '../protocol/api.js';

export interface ClientOptions {
  /** The task server's origin, e.g. `http://localhost:8080`. */
  server: string;
  /** A publisher token (`sparecycles token create`); public reads work without one. */
  token?: string;
  /** A fetch to use instead of the global one (tests, proxies). */
  fetch?: typeof fetch;
}

export interface UnitError {
  index: number;
  reason: string;
}

/** The replication and validation policy of a batch; the server's defaults apply to what is left out. */
export interface Policy {
  quorum?: number;
  maxResults?: number;
  deadlineSeconds?: number;
  credit?: number;
  validator?: ValidatorKind;
  tolerance?: number;
  maxRunSeconds?: number;
  replication?: 'adaptive' | 'full';
}

/** One unit's input: a JSON value, or bytes (`Uint8Array`) given to the kernel as they are. */
export type UnitValue = unknown;

export type Inputs = Iterable<UnitValue> | AsyncIterable<UnitValue>;

export interface PublishOptions extends Policy {
  project: string;
  /** A kernel hash (from `kernels.add`) or the module's bytes, uploaded first. */
  kernel: string | Uint8Array;
  /** Streamed to the server in chunks; never held whole. */
  inputs: Inputs;
  /**
   * Names the batch in its project. Publishing again under the same name resumes it: the
   * inputs it already holds are skipped, the rest appended in order, nothing added twice.
   */
  name?: string;
  /** Known-answer units mixed in unseen (they go with the first chunk). */
  quiz?: { input: unknown; output: unknown }[];
  /** Most units per request (default 10,000; the server takes up to 100,000). */
  chunkUnits?: number;
  /** Most bytes of JSON per request (default 16 MiB; the server takes up to 64 MiB). */
  chunkBytes?: number;
  /** Called after each request with the number of inputs the batch holds. */
  onProgress?: (units: number) => void;
}

export interface MapOptions extends Policy {
  project: string;
  name?: string;
  /** How often to look for new results, in ms (default 500). */
  pollMs?: number;
  chunkUnits?: number;
}

/** One validated result: JSON parsed, anything else as bytes. */
export interface BatchResult {
  index: number;
  /** Place in validation order (with `order: 'validated'`). */
  seq?: number;
  input: unknown;
  output: unknown;
}

export interface ResultsOptions {
  /** `input` (default): by input index; `validated`: as they validate. */
  order?: 'input' | 'validated';
  /** Keep waiting for new results until the batch is done (default true). */
  follow?: boolean;
  /** How often to look for new results while following, in ms (default 1000). */
  pollMs?: number;
}

export type CancelledStatus = BatchStatus & { voided: number };

export type { InputEncoding };
