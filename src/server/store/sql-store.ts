// The Store, written once over the SQL port: every backend (SQLite, PostgreSQL) is this class
// with its own SqlBackend. Each method is one transaction or one read; the stages it calls
// (scheduler, validation, expiry, ledger, views) meet only in the database. The catalogue
// (settings, projects, kernels, volunteers, sites) is its base class, ./catalog-store.ts.
import type {
  BatchState,
  BatchStatus,
  Lease,
  ResultStatusResponse,
  SubmitAck,
  UnitCounts,
} from '../../protocol/api.js';
import type { LedgerEntry, ServerKey } from '../ledger.js';
import { decideUnit, type QuorumDecider } from '../validator.js';
import { WorkGenerators, type GeneratorSpec, type GeneratorStatus, type WorkGenerator } from './generator.js';
import { headsAfter, LedgerAppender, ledgerEntries, ledgerReceipts, readNodes } from './ledger-log.js';
import type { NodeRef } from '../merkle.js';
import type { TreeHead } from '../tree-head.js';
import {
  appendUnits,
  batchDone,
  cancelBatch,
  cancelledUnits,
  closeBatch,
  findBatchByName,
  getBatch,
  insertBatch,
  resultsBySeq,
  resultsByIndex,
  type AppendOutcome,
} from './batches.js';
import { SqlCatalog } from './catalog-store.js';
import { ledgerProofs, type ReceiptProofs } from './ledger-proofs.js';
import { ownResults } from './own-results.js';
import { leaseUnits } from './scheduler.js';
import { updateRows, type SqlBackend } from './sql.js';
import type {
  BatchRow,
  BatchStats,
  LeaderboardView,
  QuizInput,
  Store,
  StoreAudit,
  StoredResult,
  SubmittedResult,
  UnitError,
  UnitInput,
  ValidatedOutput,
} from './store.js';
import { PolicyCache, Validation } from './validation.js';
import { audit, batchStats, latestOutputSeq, leaderboard, listBatches, unitCounts, validatedOutputs } from './views.js';

export interface SqlStoreOptions {
  random?: () => number;
}

export class SqlStore extends SqlCatalog implements Store {
  protected readonly random: () => number;
  private readonly policies = new PolicyCache();
  private readonly generators = new WorkGenerators();

  constructor(
    sql: SqlBackend,
    private readonly key: ServerKey,
    options: SqlStoreOptions = {},
  ) {
    super(sql);
    this.random = options.random ?? Math.random;
  }

  async close(): Promise<void> {
    await this.sql.close();
  }

  async createBatch(batch: BatchRow, inputs: UnitInput[], quizzes: QuizInput[] = []): Promise<boolean> {
    return this.sql.transaction((tx) => insertBatch(tx, batch, inputs, quizzes, this.random));
  }

  async getBatch(id: string): Promise<BatchRow | undefined> {
    return getBatch(this.sql, id);
  }

  async findBatchByName(project: string, name: string): Promise<BatchRow | undefined> {
    return findBatchByName(this.sql, project, name);
  }

  async appendUnits(batch: string, offset: number, inputs: UnitInput[]): Promise<AppendOutcome> {
    return this.sql.transaction((tx) => appendUnits(tx, batch, offset, inputs));
  }

  async closeBatch(batch: string): Promise<BatchState | undefined> {
    return this.sql.transaction((tx) => closeBatch(tx, batch));
  }

  async cancelBatch(batch: string): Promise<{ voided: number } | undefined> {
    return this.sql.transaction((tx) => cancelBatch(tx, batch));
  }

  async batchStatus(id: string): Promise<BatchStatus | undefined> {
    const batch = await this.getBatch(id);
    if (!batch) return undefined;
    const counts = await unitCounts(this.sql, 'WHERE batch = ?', [id]);
    const state = batch.state ?? 'closed';
    return {
      batch: id,
      name: batch.name ?? null,
      project: batch.project,
      kernel: batch.kernel,
      state,
      total: batch.total,
      counts,
      cancelled: state === 'cancelled' ? await cancelledUnits(this.sql, id) : 0,
      done: batchDone(state, counts, batch.total),
      createdAt: batch.createdAt,
      errors: await this.batchErrors(id, 20),
    };
  }

  async batchResults(id: string, afterIndex: number, limit: number, settled = false): Promise<StoredResult[]> {
    return resultsByIndex(this.sql, id, afterIndex, limit, settled);
  }

  async batchResultsValidated(
    id: string,
    afterSeq: number,
    limit: number,
  ): Promise<(StoredResult & { seq: number })[]> {
    const batch = await this.getBatch(id);
    return batch ? resultsBySeq(this.sql, batch, afterSeq, limit) : [];
  }

  async batchErrors(id: string, limit: number): Promise<UnitError[]> {
    return this.sql.all<UnitError>(
      `SELECT idx AS "index", error AS reason FROM units WHERE batch = ? AND state = 'error' ORDER BY idx LIMIT ?`,
      [id, limit],
    );
  }

  async ownResults(volunteer: string, leases: readonly string[]): Promise<ResultStatusResponse['results']> {
    return ownResults(this.sql, volunteer, leases);
  }

  async leaderboard(limit: number): Promise<LeaderboardView> {
    return leaderboard(this.sql, limit);
  }

  async listBatches(project: string, limit?: number): Promise<BatchStatus[]> {
    return listBatches(this.sql, project, limit);
  }

  async batchCount(project: string): Promise<number> {
    return (await this.sql.get<{ n: number }>('SELECT COUNT(*) AS n FROM batches WHERE project = ?', [project]))!.n;
  }

  async batchStats(batch: string, now: number): Promise<BatchStats> {
    return batchStats(this.sql, batch, now);
  }

  async validatedOutputs(project: string, afterSeq: number, limit: number): Promise<ValidatedOutput[]> {
    return validatedOutputs(this.sql, project, afterSeq, limit);
  }

  async latestOutputSeq(project: string): Promise<number> {
    return latestOutputSeq(this.sql, project);
  }

  async leaseUnits(volunteer: string, max: number, projects: string[] | undefined, now: number): Promise<Lease[]> {
    return this.sql.transaction(async (tx) => {
      const leases = await leaseUnits(tx, volunteer, max, projects, now, this.random);
      // Work generators refill what this lease took, in the same commit (generator.ts).
      await this.generators.topUp(tx, projects, now);
      return leases;
    });
  }

  registerGenerator(generator: WorkGenerator): void {
    this.generators.register(generator);
  }

  async attachGenerator(project: string, spec: GeneratorSpec, now: number): Promise<void> {
    await this.sql.transaction((tx) => this.generators.attach(tx, project, spec, now));
  }

  async generatorStatus(project: string): Promise<GeneratorStatus | undefined> {
    return this.generators.status(this.sql, project);
  }

  async submitResults(
    volunteer: string,
    results: SubmittedResult[],
    now: number,
    decide: QuorumDecider = decideUnit,
  ): Promise<SubmitAck[]> {
    return this.sql.transaction(async (tx) => {
      const ledger = new LedgerAppender(tx, this.key);
      const acks = await new Validation(tx, ledger, decide, this.policies).submitAll(volunteer, results, now);
      // One signed tree head over everything this transaction appended, in the same commit.
      await ledger.seal(now);
      return acks;
    });
  }

  async expireLeases(now: number): Promise<number> {
    const expired = await this.sql.sweep('expire-leases', async (tx) => {
      const leases = await tx.all<{ unit: number }>(
        `UPDATE leases SET state = 'expired' WHERE state = 'active' AND deadline < ? RETURNING unit`,
        [now],
      );
      // One statement for the units, however many leases expired; quiz units keep no in-flight count.
      const perUnit = new Map<number, number>();
      for (const { unit } of leases) perUnit.set(Number(unit), (perUnit.get(Number(unit)) ?? 0) + 1);
      await updateRows(
        tx,
        'units',
        'id',
        ['integer', 'integer'],
        [...perUnit].sort((a, b) => a[0] - b[0]),
        `in_flight = CASE WHEN state = 'quiz' THEN in_flight ELSE in_flight - v.column2 END`,
      );
      return leases.length;
    });
    return expired ?? 0;
  }

  async unitCounts(project?: string): Promise<UnitCounts> {
    return project ? unitCounts(this.sql, 'WHERE project = ?', [project]) : unitCounts(this.sql);
  }

  async ledgerEntries(afterSeq: number, limit: number): Promise<LedgerEntry[]> {
    return ledgerEntries(this.sql, afterSeq, limit);
  }

  ledgerPublicKey(): { pem: string; raw: string } {
    return { pem: this.key.publicKeyPem, raw: this.key.publicKeyRaw };
  }

  async receipts(volunteer: string, afterSeq: number, limit: number): Promise<LedgerEntry[]> {
    return ledgerReceipts(this.sql, volunteer, afterSeq, limit);
  }

  async receiptProofs(entries: readonly LedgerEntry[]): Promise<ReceiptProofs> {
    return ledgerProofs(this.sql, entries);
  }

  async ledgerHeads(afterSeq: number, limit: number): Promise<(TreeHead & { seq: number })[]> {
    return headsAfter(this.sql, afterSeq, limit);
  }

  async ledgerNodes(refs: readonly NodeRef[]): Promise<Map<string, string>> {
    const nodes = await readNodes(this.sql, refs);
    return new Map([...nodes].map(([ref, hash]) => [ref, hash.toString('hex')]));
  }

  /**
   * Signs the tree head a ledger lacks, if any: after the upgrade to schema 5 (the tree is built
   * over every existing entry) or if a head was ever lost. Run once at start-up.
   */
  async sealLedger(now: number): Promise<boolean> {
    return this.sql.transaction(async (tx) => (await new LedgerAppender(tx, this.key).sealMissing(now)) !== undefined, {
      lock: 'ledger',
    });
  }

  async audit(): Promise<StoreAudit> {
    return audit(this.sql);
  }
}
