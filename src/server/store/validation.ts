// Records returned results and decides units: quorum validation, acceptance of a trusted
// volunteer's unreplicated result, quiz checks, and re-verification of everything a volunteer
// vouched for once it fails a quiz. Runs inside the caller's transaction, which holds the
// backend's ledger lock, so two results for one unit are never decided at once.
import type { SubmitAck } from '../../protocol/api.js';
import { isProven, type Standing } from '../trust.js';
import { compareFor, type QuorumDecider, type ReturnedResult } from '../validator.js';
import type { LedgerAppender } from './ledger-log.js';
import { storableText, type SqlTx } from './sql.js';
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
  volunteer: string;
  state: string;
  outcome: string | null;
  output: Buffer | null;
  error: string | null;
}

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
  constructor(
    private readonly tx: SqlTx,
    private readonly ledger: LedgerAppender,
    private readonly decide: QuorumDecider,
    private readonly policies: PolicyCache,
  ) {}

  async submit(volunteer: string, submitted: SubmittedResult, now: number): Promise<SubmitAck> {
    const tx = this.tx;
    const result = submitted.error === undefined ? submitted : { ...submitted, error: storableText(submitted.error) };
    const lease = await tx.get<LeaseRecord>(
      `SELECT id, unit, volunteer, state, outcome, output, error FROM leases WHERE id = ? ${tx.forUpdate}`,
      [result.lease],
    );
    const reject = (code: string, message: string): SubmitAck => ({
      lease: result.lease,
      outcome: 'rejected',
      code,
      message,
    });
    if (!lease) return reject('SC_LEASE_UNKNOWN', 'no such lease');
    if (lease.volunteer !== volunteer)
      return reject('SC_LEASE_NOT_YOURS', 'that lease was issued to another volunteer');
    if (lease.state === 'returned') {
      const same =
        result.output !== undefined ? sameBytes(lease.output, result.output) : lease.error === (result.error ?? null);
      if (same) return { lease: lease.id, outcome: 'duplicate' };
      return reject('SC_LEASE_SUPERSEDED', 'a different result was already recorded for that lease');
    }
    const unit = (await tx.get<{ id: number; batch: string; state: string }>(
      `SELECT id, batch, state FROM units WHERE id = ?`,
      [lease.unit],
    ))!;
    const output = result.output !== undefined ? Buffer.from(result.output) : null;
    const error = result.output !== undefined ? null : (result.error ?? 'unknown error');
    const record = (outcome: string) =>
      tx.run(`UPDATE leases SET state = 'returned', outcome = ?, output = ?, error = ?, returned_at = ? WHERE id = ?`, [
        outcome,
        output,
        error,
        now,
        lease.id,
      ]);
    if (unit.state === 'quiz') {
      const passed = await this.passesQuiz(unit, output);
      await record(passed ? 'passed' : 'failed');
      await this.applyQuiz(lease, unit, passed, now);
      return { lease: lease.id, outcome: 'accepted' };
    }
    const wasActive = lease.state === 'active';
    if (unit.state !== 'open') {
      await record('late');
      if (wasActive) await tx.run('UPDATE units SET in_flight = in_flight - 1 WHERE id = ?', [unit.id]);
      return { lease: lease.id, outcome: 'late' };
    }
    await record(error === null ? 'pending' : 'error');
    await tx.run('UPDATE units SET results = results + 1, in_flight = in_flight - ? WHERE id = ?', [
      wasActive ? 1 : 0,
      unit.id,
    ]);
    await this.validate(unit.id, unit.batch, now);
    return { lease: lease.id, outcome: 'accepted' };
  }

  /** Decides an open unit from the results that count; grants credit on validation. */
  async validate(unitId: number, batchId: string, now: number): Promise<void> {
    const tx = this.tx;
    const batch = await this.policies.get(tx, batchId);
    const returned = await tx.all<{ id: string; output: Buffer | null; trusted: number } & Standing>(
      `SELECT l.id, l.output, l.trusted, v.valid_streak AS "validStreak", v.quiz_passed AS "quizPassed",
         v.quiz_failed AS "quizFailed"
       FROM leases l JOIN volunteers v ON v.id = l.volunteer
       WHERE l.unit = ? AND l.state = 'returned' AND l.outcome IN ('pending', 'error')
       ORDER BY l.returned_at, l.id`,
      [unitId],
    );
    const total = (await tx.get<{ results: number }>('SELECT results FROM units WHERE id = ?', [unitId]))!.results;
    const counting = returned.filter((r) => r.output === null || isProven(r, batch.quizzes > 0));
    const alone = returned.length === 1 && total === 1 && returned[0]!.trusted === 1 && counting.length === 1;
    const decision = this.decide(
      { ...batch, quorum: alone ? 1 : batch.quorum, maxResults: Number.MAX_SAFE_INTEGER },
      counting.map((r): ReturnedResult => ({ lease: r.id, output: r.output && new Uint8Array(r.output) })),
    );
    if (decision.kind === 'done') {
      // done_seq orders a project's validations; appends are serialised, so MAX + 1 is unique.
      await tx.run(
        `UPDATE units SET state = 'done', canonical = ?, accepted_alone = ?, done_at = ?,
           done_seq = (SELECT COALESCE(MAX(o.done_seq), 0) + 1 FROM units o
                       WHERE o.project = units.project AND o.done_seq IS NOT NULL)
         WHERE id = ?`,
        [decision.canonical, alone ? 1 : 0, now, unitId],
      );
      for (const id of decision.valid) await this.markValid(id, unitId, batch.credit, !alone, now);
      for (const id of decision.invalid) await this.markInvalid(id);
      return;
    }
    if (total >= batch.maxResults) {
      const distinct = new Set(counting.filter((r) => r.output).map((r) => r.output!.toString('base64'))).size;
      const reason =
        `no ${batch.quorum} agreeing results after ${total} ` +
        `(${distinct} distinct outputs, ${returned.filter((r) => r.output === null).length} kernel errors)`;
      await tx.run(`UPDATE units SET state = 'error', error = ? WHERE id = ?`, [reason, unitId]);
      for (const r of returned) if (r.output !== null) await this.markInvalid(r.id);
      return;
    }
    const want = decision.kind === 'open' ? decision.want : 1;
    await tx.run('UPDATE units SET want = ? WHERE id = ?', [Math.min(want, batch.maxResults - total), unitId]);
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

  private async markValid(lease: string, unitId: number, credit: number, replicated: boolean, now: number) {
    const tx = this.tx;
    await tx.run(`UPDATE leases SET outcome = 'valid' WHERE id = ?`, [lease]);
    const { volunteer } = (await tx.get<{ volunteer: string }>('SELECT volunteer FROM leases WHERE id = ?', [lease]))!;
    // Only replicated agreement lengthens the streak: a result accepted alone proves nothing.
    await tx.run(`UPDATE volunteers SET validated = validated + 1, valid_streak = valid_streak + ? WHERE id = ?`, [
      replicated ? 1 : 0,
      volunteer,
    ]);
    await this.ledger.append({ kind: 'grant', volunteer, unit: String(unitId), lease, amount: credit, at: now });
  }

  private async markInvalid(lease: string): Promise<void> {
    await this.tx.run(`UPDATE leases SET outcome = 'invalid' WHERE id = ?`, [lease]);
    await this.tx.run(
      `UPDATE volunteers SET invalid = invalid + 1, valid_streak = 0 WHERE id = (SELECT volunteer FROM leases WHERE id = ?)`,
      [lease],
    );
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
