// Records returned results and has their units decided (./decisions.ts): quiz checks, and
// re-verification of everything a volunteer vouched for once it fails a quiz. Runs inside the
// caller's transaction; the leases and units of a request are row-locked (PostgreSQL) when read,
// so two results for one unit are never decided at once, and volunteers' rows and the ledger
// are written under the ledger lock.
import type { SubmitAck } from '../../protocol/api.js';
import { compareFor, type QuorumDecider } from '../validator.js';
import { UnitDecider, type OpenUnit, type ReturnedRow } from './decisions.js';
import type { LedgerAppender } from './ledger-log.js';
import { arraysIn, storableText, updateRows, type SqlTx } from './sql.js';
import type { SubmittedResult } from './store.js';

export interface BatchPolicyRow {
  quorum: number;
  maxResults: number;
  validator: 'exact' | 'json-tolerance';
  tolerance: number;
  credit: number;
  quizzes: number;
}

interface LeaseRecord {
  id: string;
  unit: number;
  batch: string;
  unitState: string;
  /** The unit's results so far (kernel errors included), and its project. */
  results: number;
  project: string;
  volunteer: string;
  state: string;
  outcome: string | null;
  output: Buffer | null;
  error: string | null;
  trusted: number;
  returnedAt: number | null;
}

/** A result this request records: written once, with the outcome its unit's decision gave it. */
interface LeaseWrite {
  outcome: string;
  output: Buffer | null;
  error: string | null;
}

/** LEASE_COLUMNS as a row of values, in order. */
type LeaseColumns = [
  id: string,
  unit: number | string,
  volunteer: string,
  state: string,
  outcome: string | null,
  output: Buffer | null,
  error: string | null,
  trusted: number | string,
  returnedAt: number | string | null,
  batch: string,
  unitState: string,
  results: number | string,
  project: string,
];

const LEASE_COLUMNS = `l.id, l.unit, l.volunteer, l.state, l.outcome, l.output, l.error, l.trusted,
  l.returned_at AS "returnedAt", u.batch, u.state AS "unitState", u.results, u.project`;

const sameBytes = (a: Uint8Array | null, b: Uint8Array | undefined) =>
  a !== null && b !== undefined && Buffer.compare(Buffer.from(a), Buffer.from(b)) === 0;

/** Batch policies kept in memory across transactions; batches never change once published. */
export class PolicyCache {
  private static readonly SIZE = 1024;
  private readonly policies = new Map<string, BatchPolicyRow>();

  async get(tx: SqlTx, batchId: string): Promise<BatchPolicyRow> {
    let policy = this.policies.get(batchId);
    if (!policy) {
      policy = (await tx.get<BatchPolicyRow>(
        `SELECT quorum, max_results AS "maxResults", validator, tolerance, credit, quizzes FROM batches WHERE id = ?`,
        [batchId],
      ))!;
      if (this.policies.size >= PolicyCache.SIZE) this.policies.clear();
      this.policies.set(batchId, policy);
    }
    return policy;
  }
}

export class Validation {
  private readonly decider: UnitDecider;

  constructor(
    private readonly tx: SqlTx,
    private readonly ledger: LedgerAppender,
    decide: QuorumDecider,
    private readonly policies: PolicyCache,
  ) {
    this.decider = new UnitDecider(tx, ledger, decide, policies);
  }

  /**
   * Records one request's results and decides the units they complete, in a bounded number of
   * statements: one read of the request's leases with every other lease of their units (locked),
   * the decisions in memory (see ./decisions.ts), then one write of the results, each with its
   * final outcome, and one of the units' counters. Quiz answers, rare, go one by one first.
   * Acks come back in the order of `submitted`.
   */
  async submitAll(volunteer: string, submitted: readonly SubmittedResult[], now: number): Promise<SubmitAck[]> {
    const tx = this.tx;
    const results = submitted.map((r) => (r.error === undefined ? r : { ...r, error: storableText(r.error) }));
    // Row locks in one total order (unit, then lease), so two transactions over overlapping
    // units cannot deadlock.
    const found = await arraysIn<LeaseColumns>(
      tx,
      `SELECT ${LEASE_COLUMNS} FROM leases l JOIN units u ON u.id = l.unit
       WHERE l.unit IN (SELECT unit FROM leases WHERE id IN ($IN)) ORDER BY l.unit, l.id ${tx.forUpdate}`,
      [...new Set(results.map((r) => r.lease))],
    );
    const leases = new Map<string, LeaseRecord>();
    const byUnit = new Map<number, LeaseRecord[]>();
    for (const [
      id,
      unit,
      owner,
      state,
      outcome,
      output,
      error,
      trusted,
      returnedAt,
      batch,
      unitState,
      unitResults,
      project,
    ] of found) {
      if (leases.has(id)) continue;
      // PostgreSQL's BIGINT may arrive as text.
      const lease: LeaseRecord = {
        id,
        unit: Number(unit),
        volunteer: owner,
        state,
        outcome,
        output,
        error,
        trusted: Number(trusted),
        returnedAt: returnedAt === null ? null : Number(returnedAt),
        batch,
        unitState,
        results: Number(unitResults),
        project,
      };
      leases.set(lease.id, lease);
      const siblings = byUnit.get(lease.unit);
      if (siblings) siblings.push(lease);
      else byUnit.set(lease.unit, [lease]);
    }
    const acks: (SubmitAck | undefined)[] = [];
    const recorded = new Map<string, SubmittedResult>();
    const writes = new Map<string, LeaseWrite>();
    const counters: [number, number, number][] = [];
    const added = new Map<number, number>();
    const open: OpenUnit[] = [];
    for (const [i, result] of results.entries()) {
      const reject = (code: string, message: string): SubmitAck => ({
        lease: result.lease,
        outcome: 'rejected',
        code,
        message,
      });
      const lease = leases.get(result.lease);
      if (!lease) {
        acks[i] = reject('SC_LEASE_UNKNOWN', 'no such lease');
        continue;
      }
      if (lease.volunteer !== volunteer) {
        acks[i] = reject('SC_LEASE_NOT_YOURS', 'that lease was issued to another volunteer');
        continue;
      }
      const earlier = recorded.get(lease.id);
      if (lease.state === 'returned' || earlier) {
        const same = earlier
          ? earlier.output !== undefined
            ? sameBytes(earlier.output, result.output)
            : earlier.error === result.error
          : result.output !== undefined
            ? sameBytes(lease.output, result.output)
            : lease.error === (result.error ?? null);
        acks[i] = same
          ? { lease: lease.id, outcome: 'duplicate' }
          : reject('SC_LEASE_SUPERSEDED', 'a different result was already recorded for that lease');
        continue;
      }
      recorded.set(lease.id, result);
      const output = result.output !== undefined ? Buffer.from(result.output) : null;
      const error = result.output !== undefined ? null : (result.error ?? 'unknown error');
      if (lease.unitState === 'quiz') {
        acks[i] = await this.answerQuiz(lease, output, error, now);
        continue;
      }
      const wasActive = lease.state === 'active' ? 1 : 0;
      if (lease.unitState !== 'open') {
        writes.set(lease.id, { outcome: 'late', output, error });
        if (wasActive) counters.push([lease.unit, 0, 1]);
        acks[i] = { lease: lease.id, outcome: 'late' };
        continue;
      }
      // Recorded in memory as the database will hold it, for this request's decisions.
      Object.assign(lease, { state: 'returned', outcome: error === null ? 'pending' : 'error', output, error });
      lease.returnedAt = now;
      writes.set(lease.id, { outcome: lease.outcome!, output, error });
      counters.push([lease.unit, 1, wasActive]);
      if (!added.has(lease.unit)) open.push({ id: lease.unit, batch: lease.batch });
      added.set(lease.unit, (added.get(lease.unit) ?? 0) + 1);
      acks[i] = { lease: lease.id, outcome: 'accepted' };
    }
    await this.decider.decideRows(open, this.countingResults(open, byUnit, added), now, writes);
    await updateRows(
      tx,
      'leases',
      'id',
      ['text', 'text', 'blob', 'text'],
      [...writes].map(([id, w]) => [id, w.outcome, w.output, w.error]),
      `state = 'returned', outcome = v.column2, output = v.column3, error = v.column4, returned_at = ?`,
      [now],
    );
    await updateRows(
      tx,
      'units',
      'id',
      ['integer', 'integer', 'integer'],
      counters,
      'results = results + v.column2, in_flight = in_flight - v.column3',
    );
    return acks as SubmitAck[];
  }

  /** The returned results of `open` units that may count, oldest first per unit, as decisions read them. */
  private countingResults(
    open: readonly OpenUnit[],
    byUnit: ReadonlyMap<number, readonly LeaseRecord[]>,
    added: ReadonlyMap<number, number>,
  ): ReturnedRow[] {
    const rows: ReturnedRow[] = [];
    for (const { id: unit } of open) {
      const counting = byUnit
        .get(unit)!
        .filter((l) => l.state === 'returned' && (l.outcome === 'pending' || l.outcome === 'error'))
        .sort((a, b) => a.returnedAt! - b.returnedAt! || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
      for (const l of counting)
        rows.push({
          unit,
          id: l.id,
          volunteer: l.volunteer,
          output: l.output,
          trusted: l.trusted,
          total: l.results + (added.get(unit) ?? 0),
          project: l.project,
        });
    }
    return rows;
  }

  /** Decides one open unit again (after a volunteer's standing changed). */
  async validate(unitId: number, batchId: string, now: number): Promise<void> {
    await this.decider.decideAll([{ id: unitId, batch: batchId }], now);
  }

  private async answerQuiz(
    lease: LeaseRecord,
    output: Buffer | null,
    error: string | null,
    now: number,
  ): Promise<SubmitAck> {
    const unit = { id: lease.unit, batch: lease.batch };
    // A quiz changes the volunteer's standing and may grant or revoke credit: all of it under the
    // ledger lock, so volunteers' rows are only ever written by its holder.
    await this.tx.lockLedger();
    const passed = await this.passesQuiz(unit, output);
    await this.tx.run(
      `UPDATE leases SET state = 'returned', outcome = ?, output = ?, error = ?, returned_at = ? WHERE id = ?`,
      [passed ? 'passed' : 'failed', output, error, now, lease.id],
    );
    await this.applyQuiz(lease, unit, passed, now);
    return { lease: lease.id, outcome: 'accepted' };
  }

  /** A quiz answer is compared as JSON where both sides are JSON, so formatting cannot fail it. */
  private async passesQuiz(unit: { id: number; batch: string }, output: Buffer | null): Promise<boolean> {
    if (output === null) return false;
    const batch = await this.policies.get(this.tx, unit.batch);
    const { expected } = (await this.tx.get<{ expected: Buffer }>('SELECT expected FROM units WHERE id = ?', [
      unit.id,
    ]))!;
    return compareFor('json-tolerance', batch.validator === 'exact' ? 0 : batch.tolerance)(expected, output);
  }

  private async applyQuiz(
    lease: LeaseRecord,
    unit: { id: number; batch: string },
    passed: boolean,
    now: number,
  ): Promise<void> {
    const tx = this.tx;
    const batch = await this.policies.get(tx, unit.batch);
    if (!passed) {
      await tx.run(
        'UPDATE volunteers SET quiz_failed = quiz_failed + 1, valid_streak = 0, invalid = invalid + 1 WHERE id = ?',
        [lease.volunteer],
      );
      await this.distrust(lease.volunteer, now);
      return;
    }
    const before = (await tx.get<{ passed: number }>('SELECT quiz_passed AS passed FROM volunteers WHERE id = ?', [
      lease.volunteer,
    ]))!;
    await tx.run('UPDATE volunteers SET quiz_passed = quiz_passed + 1 WHERE id = ?', [lease.volunteer]);
    await this.ledger.append({
      kind: 'grant',
      volunteer: lease.volunteer,
      unit: String(unit.id),
      lease: lease.id,
      amount: batch.credit,
      at: now,
    });
    // Newly proven: the results it returned while unproven may now complete their units.
    if (before.passed === 0) await this.revalidateUnitsOf(lease.volunteer, now);
  }

  /**
   * A volunteer failed a quiz: nothing it returned is trusted any more. Its valid results lose
   * their credit, and every unit it helped validate is reopened and decided again without it.
   */
  private async distrust(volunteer: string, now: number): Promise<void> {
    const tx = this.tx;
    const vouched = await tx.all<{ id: string; unit: number; batch: string; outcome: string }>(
      `SELECT l.id, l.unit, u.batch, l.outcome FROM leases l JOIN units u ON u.id = l.unit
       WHERE l.volunteer = ? AND l.outcome IN ('valid', 'pending') AND u.state IN ('done', 'open')`,
      [volunteer],
    );
    for (const lease of vouched) {
      if (lease.outcome === 'valid') {
        await this.revoke(lease.id, now);
        await this.reopen(lease.unit, now);
      }
      await tx.run(`UPDATE leases SET outcome = 'invalid' WHERE id = ?`, [lease.id]);
    }
    for (const [unit, batch] of new Map(vouched.map((l) => [l.unit, l.batch]))) {
      await this.revalidateIfOpen(unit, batch, now);
    }
  }

  /** Puts a validated unit back to deciding: its other valid results return to pending, uncredited. */
  private async reopen(unitId: number, now: number): Promise<void> {
    const tx = this.tx;
    const { state } = (await tx.get<{ state: string }>('SELECT state FROM units WHERE id = ?', [unitId]))!;
    if (state !== 'done') return;
    await tx.run(
      `UPDATE units SET state = 'open', canonical = NULL, accepted_alone = 0, done_seq = NULL, done_at = NULL WHERE id = ?`,
      [unitId],
    );
    const valid = await tx.all<{ id: string }>(`SELECT id FROM leases WHERE unit = ? AND outcome = 'valid'`, [unitId]);
    for (const { id } of valid) {
      await this.revoke(id, now);
      await tx.run(`UPDATE leases SET outcome = 'pending' WHERE id = ?`, [id]);
    }
  }

  private async revalidateUnitsOf(volunteer: string, now: number): Promise<void> {
    const units = await this.tx.all<{ unit: number; batch: string }>(
      `SELECT DISTINCT l.unit, u.batch FROM leases l JOIN units u ON u.id = l.unit
       WHERE l.volunteer = ? AND l.outcome = 'pending' AND u.state = 'open'`,
      [volunteer],
    );
    for (const { unit, batch } of units) await this.validate(unit, batch, now);
  }

  private async revalidateIfOpen(unitId: number, batchId: string, now: number): Promise<void> {
    const { state } = (await this.tx.get<{ state: string }>('SELECT state FROM units WHERE id = ?', [unitId]))!;
    if (state === 'open') await this.validate(unitId, batchId, now);
  }

  private async revoke(lease: string, now: number): Promise<void> {
    const granted = await this.tx.get<{ volunteer: string; unit: string; net: number }>(
      `SELECT volunteer, unit, COALESCE(SUM(CASE kind WHEN 'grant' THEN amount ELSE -amount END), 0) AS net
       FROM credit_ledger WHERE lease = ? GROUP BY volunteer, unit`,
      [lease],
    );
    if (!granted || granted.net <= 0) return;
    await this.ledger.append({
      kind: 'revoke',
      volunteer: granted.volunteer,
      unit: granted.unit,
      lease,
      amount: granted.net,
      at: now,
    });
    await this.tx.run('UPDATE volunteers SET validated = validated - 1 WHERE id = ?', [granted.volunteer]);
  }
}
