// The ports through which the environment-free runtime talks to the world. The browser
// adapters (runtime/browser) and the Node adapters (runtime/node) implement them.
import type { Lease, SubmitAck, VolunteerInfo, RegisterVolunteerResponse } from '../protocol/api.js';
import type { KernelCallbacks, KernelJob, KernelOutcome } from '../protocol/worker.js';

/** The task server, as the runtime sees it. */
export interface Transport {
  register(publicKey: string, site?: string): Promise<RegisterVolunteerResponse>;
  lease(credentials: Credentials, max: number, projects?: string[]): Promise<Lease[]>;
  submit(credentials: Credentials, results: OutboxEntry[]): Promise<SubmitAck[]>;
  kernel(hash: string): Promise<Uint8Array>;
  me(credentials: Credentials): Promise<VolunteerInfo>;
}

export interface Credentials {
  volunteer: string;
  secret: string;
  name: string;
  /** ECDSA P-256 key pair: the public half (SPKI, base64) was registered; the private half signs results. */
  publicKey: string;
  privateKey: CryptoKey;
}

/** A finished unit waiting for the server to acknowledge it. */
export interface OutboxEntry {
  lease: string;
  unit: string;
  project: string;
  /** Output bytes when the kernel succeeded. */
  output?: Uint8Array;
  error?: string;
  elapsedMs: number;
  finishedAt: number;
}

/** Durable local state: the leased-unit buffer, the outbox, the kernel cache, identity. */
export interface RuntimeStore {
  /** True when the store must serialise the private key (a file); a browser keeps it non-extractable. */
  readonly extractableKeys?: boolean;
  getCredentials(): Promise<Credentials | undefined>;
  putCredentials(credentials: Credentials): Promise<void>;
  /** Leased units waiting to run (and those running); not those whose result is in the outbox. */
  listUnits(): Promise<Lease[]>;
  putUnits(leases: Lease[]): Promise<void>;
  /** Puts units' results in the outbox, durably: from then on listUnits leaves those units out.
   * The units themselves (and their checkpoints) are forgotten with their results, in removeFromOutbox. */
  finishUnits(entries: OutboxEntry[]): Promise<void>;
  dropUnit(lease: string): Promise<void>;
  listOutbox(): Promise<OutboxEntry[]>;
  /** Forgets acknowledged results together with their units and checkpoints. */
  removeFromOutbox(leases: string[]): Promise<void>;
  getKernel(hash: string): Promise<Uint8Array | undefined>;
  putKernel(hash: string, bytes: Uint8Array): Promise<void>;
  /** The last state a unit's kernel saved with `sc.checkpoint`, replacing any earlier one (durably). */
  putCheckpoint(lease: string, state: Uint8Array): Promise<void>;
  getCheckpoint(lease: string): Promise<Uint8Array | undefined>;
  /** The leases that have a stored checkpoint. */
  listCheckpoints(): Promise<string[]>;
  /** Forgets a unit's checkpoint; removeFromOutbox and dropUnit do this too. */
  dropCheckpoint(lease: string): Promise<void>;
  /** Told which leases are running now, so space-saving eviction never touches their data. */
  setRunning?(leases: readonly string[]): void;
}

/** One isolated thread that runs kernels (a Web Worker or a worker_threads Worker). */
export interface KernelWorker {
  /** Runs one job; `job.kernel` may be omitted for a hash this worker ran (or was sent) before.
   * May be called again before the last run settles: that job waits in the thread behind it. */
  run(job: KernelJob, callbacks: KernelCallbacks): Promise<KernelOutcome>;
  /** Stops the thread at once, whatever it is running. */
  terminate(): void;
  /** Sets (replacing any earlier one) the listener called if the thread dies on its own. */
  onCrash(listener: (reason: string) => void): void;
  /** CPU share for duty-cycling inside a unit (at its progress reports); live where memory is shared. */
  setCpuPercent?(percent: number): void;
}

export interface WorkerFactory {
  create(): KernelWorker;
}
