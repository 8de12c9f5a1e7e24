// The server's persistence port. Async even though better-sqlite3 is synchronous, so the
// PostgreSQL implementation fits the same shape; every method is one atomic transaction.
// One implementation (sql-store.ts) serves both backends; the contract suite in
// test/unit/store/contract.ts holds every backend to it.
import type { NodeRef } from '../merkle.js';
import type { TreeHead } from '../tree-head.js';
import type {
  BatchState,
  BatchStatus,
  DescriptionTranslations,
  InputEncoding,
  LeaderboardEntry,
  Lease,
  ProjectInfo,
  ResultStatusResponse,
  SubmitAck,
  UnitCounts,
  ValidatorKind,
  VolunteerInfo,
} from '../../protocol/api.js';
import type { LedgerEntry } from '../ledger.js';
import type { AppendOutcome } from './batches.js';
import type { GeneratorSpec, GeneratorStatus, WorkGenerator } from './generator.js';
import type { ReceiptProofs } from './ledger-proofs.js';
import type { QuorumDecider } from '../validator.js';

export interface ProjectRow {
  id: string;
  name: string;
  description: string;
  /** Only when there are any. */
  descriptions?: DescriptionTranslations;
  owner: string;
  createdAt: number;
  publicResults: boolean;
}

export interface KernelRow {
  hash: string;
  abi: string;
  bytes: Uint8Array;
}

export interface BatchPolicy {
  quorum: number;
  maxResults: number;
  deadlineSeconds: number;
  credit: number;
  validator: ValidatorKind;
  tolerance: number;
  maxRunSeconds: number;
  /** `adaptive`: trusted volunteers may have units accepted alone; `full`: always `quorum`. */
  replication: 'adaptive' | 'full';
}

export interface BatchRow extends BatchPolicy {
  id: string;
  project: string;
  kernel: string;
  total: number;
  createdAt: number;
  /** Unique within the project when set: publishing again under it resumes the batch. */
  name?: string | null;
  /** `closed` when omitted at creation: the batch holds every unit it will have. */
  state?: BatchState;
}

export interface UnitInput {
  bytes: Uint8Array;
  encoding: InputEncoding;
}

/** A known-answer unit: handed out like any other, checked against `expected`. */
export interface QuizInput extends UnitInput {
  expected: Uint8Array;
}

export interface UnitError {
  index: number;
  reason: string;
}

export interface StoredResult {
  index: number;
  input: Uint8Array;
  inputEncoding: InputEncoding;
  output: Uint8Array;
}

export interface VolunteerRow {
  id: string;
  name: string;
  site: string | null;
  /** ECDSA P-256 SPKI, base64: verifies the volunteer's result submissions. */
  publicKey: string;
}

export interface SiteRow {
  key: string;
  name: string;
  /** Exact origins (scheme://host[:port]) allowed to embed the widget with this key. */
  origins: string[];
}

export interface BatchStats {
  bucketMs: number;
  /** Units validated per time bucket (bucket start, epoch ms), over the last half hour. */
  throughput: { t: number; validated: number }[];
  activeVolunteers: number;
  leases: number;
  invalidRate: number;
  errorRate: number;
}

export interface ValidatedOutput {
  seq: number;
  input: Uint8Array;
  output: Uint8Array;
}

export interface LeaderboardView {
  volunteers: LeaderboardEntry[];
  sites: { site: string; name: string; credit: number; volunteers: number }[];
}

/** Figures that must always hold; checked by tests after crashes and fuzzing. */
export interface StoreAudit {
  /** Leases that are both returned and still counted in flight, and the like. */
  inconsistentUnits: number;
  /** Volunteers whose credit differs from the sum of their ledger entries. */
  creditMismatches: number;
  ledgerEntries: number;
  validLeases: number;
}

export interface SubmittedResult {
  lease: string;
  output?: Uint8Array;
  error?: string;
}

export interface Store {
  close(): Promise<void>;
  /** Resolves when the database answers a query; rejects otherwise. */
  health(): Promise<void>;

  /** A value every server process shares (the demo token, the demo site key). */
  setting(name: string): Promise<string | undefined>;
  /** The setting's value, set to `make()` first if no process has set it yet. */
  settingOnce(name: string, make: () => string): Promise<string>;
  putSetting(name: string, value: string): Promise<void>;
  /** Runs `fn` while holding a lock of this name across every process on the store. */
  exclusive<T>(name: string, fn: () => Promise<T>): Promise<T>;

  createPublisher(id: string, tokenHash: string, now: number): Promise<void>;
  findPublisher(tokenHash: string): Promise<string | undefined>;

  /** Creates the project under `preferredId`, or the first free `preferredId-N`; returns the id. */
  createProject(
    project: Omit<ProjectRow, 'id' | 'publicResults'> & { publicResults?: boolean },
    preferredId: string,
  ): Promise<string>;
  getProject(id: string): Promise<ProjectRow | undefined>;
  listProjects(): Promise<ProjectInfo[]>;

  /** Idempotent: a kernel is content-addressed. */
  putKernel(kernel: KernelRow, now: number): Promise<void>;
  getKernel(hash: string): Promise<KernelRow | undefined>;

  /** Creates the batch with its first units; false, writing nothing, when its name is taken in the project. */
  createBatch(batch: BatchRow, inputs: UnitInput[], quizzes?: QuizInput[]): Promise<boolean>;
  getBatch(id: string): Promise<BatchRow | undefined>;
  findBatchByName(project: string, name: string): Promise<BatchRow | undefined>;
  /** Adds the inputs an open batch lacks; `offset` is the input index of `inputs[0]` (see batches.ts). */
  appendUnits(batch: string, offset: number, inputs: UnitInput[]): Promise<AppendOutcome>;
  /** Closes an open batch; resolves to its state after (undefined: no such batch). */
  closeBatch(batch: string): Promise<BatchState | undefined>;
  /** Cancels a batch: unfinished units never go out, leases in flight are voided; validated results stay. */
  cancelBatch(batch: string): Promise<{ voided: number } | undefined>;
  batchStatus(id: string): Promise<BatchStatus | undefined>;
  /**
   * Validated results in input order, from `afterIndex` (exclusive), at most `limit`; with
   * `settled`, only those before the first unit still being computed.
   */
  batchResults(id: string, afterIndex: number, limit: number, settled?: boolean): Promise<StoredResult[]>;
  /** Validated results in validation order, from `afterSeq` (exclusive), at most `limit`. */
  batchResultsValidated(id: string, afterSeq: number, limit: number): Promise<(StoredResult & { seq: number })[]>;
  /** Units given up as `error`, with the reason, in input order. */
  batchErrors(id: string, limit: number): Promise<UnitError[]>;

  registerVolunteer(volunteer: VolunteerRow, secretHash: string, now: number): Promise<void>;
  findVolunteer(secretHash: string): Promise<VolunteerRow | undefined>;
  volunteerInfo(id: string): Promise<VolunteerInfo | undefined>;
  /** Where each of the volunteer's returned results among `leases` stands; others' leases are left out. */
  ownResults(volunteer: string, leases: readonly string[]): Promise<ResultStatusResponse['results']>;
  leaderboard(limit: number): Promise<LeaderboardView>;
  /** Deletes a volunteer's pseudonymous record: it can no longer sign in; its ledger entries stay. */
  forgetVolunteer(id: string): Promise<void>;

  createSite(site: SiteRow, now: number): Promise<void>;
  getSite(key: string): Promise<SiteRow | undefined>;

  listProjectsOf(owner: string): Promise<ProjectInfo[]>;
  /** The project's batches, newest first; at most `limit` of them when given. */
  listBatches(project: string, limit?: number): Promise<BatchStatus[]>;
  batchCount(project: string): Promise<number>;
  batchStats(batch: string, now: number): Promise<BatchStats>;
  /** Validated outputs of a project whose results are public (the demo picture), in validation order. */
  validatedOutputs(project: string, afterSeq: number, limit: number): Promise<ValidatedOutput[]>;

  /** The `seq` of the project's newest validated output, 0 before any. */
  latestOutputSeq(project: string): Promise<number>;

  /** Issues up to `max` leases to the volunteer, never two replicas of one unit to it. */
  leaseUnits(volunteer: string, max: number, projects: string[] | undefined, now: number): Promise<Lease[]>;
  /** Records results, validates the units they complete and grants credit, atomically. */
  submitResults(
    volunteer: string,
    results: SubmittedResult[],
    now: number,
    decide: QuorumDecider,
  ): Promise<SubmitAck[]>;
  /** Makes `generator` available to projects' generator rows that name it (this process only). */
  registerGenerator(generator: WorkGenerator): void;
  /** Gives a project a work generator and runs its first steps; leasing keeps it topped up. */
  attachGenerator(project: string, spec: GeneratorSpec, now: number): Promise<void>;
  generatorStatus(project: string): Promise<GeneratorStatus | undefined>;
  /** Voids leases past their deadline so their units are issued again; returns how many. */
  expireLeases(now: number): Promise<number>;

  unitCounts(project?: string): Promise<UnitCounts>;

  ledgerEntries(afterSeq: number, limit: number): Promise<LedgerEntry[]>;
  /** The Ed25519 key the ledger is signed with: PEM and raw base64. */
  ledgerPublicKey(): { pem: string; raw: string };
  receipts(volunteer: string, afterSeq: number, limit: number): Promise<LedgerEntry[]>;
  /** The newest signed tree head and each entry's inclusion proof to it. */
  receiptProofs(entries: readonly LedgerEntry[]): Promise<ReceiptProofs>;
  /** Signed tree heads numbered above `afterSeq`, in commit order, at most `limit`. */
  ledgerHeads(afterSeq: number, limit: number): Promise<(TreeHead & { seq: number })[]>;
  /** Stored Merkle tree node hashes (hex) by "level:idx", for those of `refs` the tree holds. */
  ledgerNodes(refs: readonly NodeRef[]): Promise<Map<string, string>>;
  audit(): Promise<StoreAudit>;
}
