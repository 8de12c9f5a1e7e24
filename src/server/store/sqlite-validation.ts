// Records returned results and decides units: quorum validation, acceptance of a trusted
// volunteer's unreplicated result, quiz checks, and re-verification of everything a volunteer
// vouched for once it fails a quiz. Runs inside the caller's transaction.
import type { SubmitAck } from '../../protocol/api.js';
import { isProven, type Standing } from '../trust.js';
import { compareFor, type QuorumDecider, type ReturnedResult } from '../validator.js';
import type { SqliteLedger } from './sqlite-ledger.js';
import type { Prepares } from './statement-cache.js';
import type { SubmittedResult } from './store.js';

interface BatchPolicyRow {
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

/** Batch policies kept in memory; the cache starts over when it holds this many. */
const POLICY_CACHE_SIZE = 1024;

export class SqliteValidation {
  private readonly policies = new Map<string, BatchPolicyRow>();

  constructor(
    private readonly db: Prepares,
    private readonly ledger: SqliteLedger,
    private readonly decide: QuorumDecider,
  ) {}

  submit(volunteer: string, result: SubmittedResult, now: number): SubmitAck {
    const db = this.db;
    const lease = db
      .prepare('SELECT id, unit, volunteer, state, outcome, output, error FROM leases WHERE id = ?')
      .get(result.lease) as LeaseRecord | undefined;
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
    const unit = db.prepare('SELECT id, batch, state FROM units WHERE id = ?').get(lease.unit) as {
      id: number;
      batch: string;
      state: string;
    };
    const output = result.output !== undefined ? Buffer.from(result.output) : null;
    const error = result.output !== undefined ? null : (result.error ?? 'unknown error');
    const record = db.prepare(
      `UPDATE leases SET state = 'returned', outcome = ?, output = ?, error = ?, returned_at = ? WHERE id = ?`,
    );
    if (unit.state === 'quiz') {
      const passed = this.passesQuiz(unit, output);
      record.run(passed ? 'passed' : 'failed', output, error, now, lease.id);
      this.applyQuiz(lease, unit, passed, now);
      return { lease: lease.id, outcome: 'accepted' };
    }
    const wasActive = lease.state === 'active';
    if (unit.state !== 'open') {
      record.run('late', output, error, now, lease.id);
      if (wasActive) db.prepare('UPDATE units SET in_flight = in_flight - 1 WHERE id = ?').run(unit.id);
      return { lease: lease.id, outcome: 'late' };
    }
    record.run(error === null ? 'pending' : 'error', output, error, now, lease.id);
    db.prepare('UPDATE units SET results = results + 1, in_flight = in_flight - ? WHERE id = ?').run(
      wasActive ? 1 : 0,
      unit.id,
    );
    this.validate(unit.id, unit.batch, now);
    return { lease: lease.id, outcome: 'accepted' };
  }

  /** Decides an open unit from the results that count; grants credit on validation. */
  validate(unitId: number, batchId: string, now: number): void {
    const db = this.db;
    const batch = this.policy(batchId);
    const returned = db
      .prepare(
        `SELECT l.id, l.output, l.trusted, v.valid_streak AS validStreak, v.quiz_passed AS quizPassed,
           v.quiz_failed AS quizFailed
         FROM leases l JOIN volunteers v ON v.id = l.volunteer
         WHERE l.unit = ? AND l.state = 'returned' AND l.outcome IN ('pending', 'error')
         ORDER BY l.returned_at, l.id`,
      )
      .all(unitId) as ({ id: string; output: Buffer | null; trusted: number } & Standing)[];
    const total = (db.prepare('SELECT results FROM units WHERE id = ?').get(unitId) as { results: number }).results;
    const counting = returned.filter((r) => r.output === null || isProven(r, batch.quizzes > 0));
    const alone = returned.length === 1 && total === 1 && returned[0]!.trusted === 1 && counting.length === 1;
    const decision = this.decide(
      { ...batch, quorum: alone ? 1 : batch.quorum, maxResults: Number.MAX_SAFE_INTEGER },
      counting.map((r): ReturnedResult => ({ lease: r.id, output: r.output && new Uint8Array(r.output) })),
    );
    if (decision.kind === 'done') {
      db.prepare(
        `UPDATE units SET state = 'done', canonical = ?, accepted_alone = ?, done_at = ?,
           done_seq = (SELECT COALESCE(MAX(o.done_seq), 0) + 1 FROM units o
                       WHERE o.project = units.project AND o.done_seq IS NOT NULL)
         WHERE id = ?`,
      ).run(decision.canonical, alone ? 1 : 0, now, unitId);
      for (const id of decision.valid) this.markValid(id, unitId, batch.credit, !alone, now);
      for (const id of decision.invalid) this.markInvalid(id);
      return;
    }
    if (total >= batch.maxResults) {
      const distinct = new Set(counting.filter((r) => r.output).map((r) => r.output!.toString('base64'))).size;
      const reason =
        `no ${batch.quorum} agreeing results after ${total} ` +
        `(${distinct} distinct outputs, ${returned.filter((r) => r.output === null).length} kernel errors)`;
      db.prepare(`UPDATE units SET state = 'error', error = ? WHERE id = ?`).run(reason, unitId);
      for (const r of returned) if (r.output !== null) this.markInvalid(r.id);
      return;
    }
    const want = decision.kind === 'open' ? decision.want : 1;
    db.prepare('UPDATE units SET want = ? WHERE id = ?').run(Math.min(want, batch.maxResults - total), unitId);
  }

  /** A quiz answer is compared as JSON where both sides are JSON, so formatting cannot fail it. */
  private passesQuiz(unit: { id: number; batch: string }, output: Buffer | null): boolean {
    if (output === null) return false;
    const batch = this.policy(unit.batch);
    const { expected } = this.db.prepare('SELECT expected FROM units WHERE id = ?').get(unit.id) as {
      expected: Buffer;
    };
    return compareFor('json-tolerance', batch.validator === 'exact' ? 0 : batch.tolerance)(expected, output);
  }

  private applyQuiz(lease: LeaseRecord, unit: { id: number; batch: string }, passed: boolean, now: number): void {
    const db = this.db;
    const batch = this.policy(unit.batch);
    if (!passed) {
      db.prepare(
        'UPDATE volunteers SET quiz_failed = quiz_failed + 1, valid_streak = 0, invalid = invalid + 1 WHERE id = ?',
      ).run(lease.volunteer);
      this.distrust(lease.volunteer, now);
      return;
    }
    const before = db.prepare('SELECT quiz_passed FROM volunteers WHERE id = ?').get(lease.volunteer) as {
      quiz_passed: number;
    };
    db.prepare('UPDATE volunteers SET quiz_passed = quiz_passed + 1 WHERE id = ?').run(lease.volunteer);
    this.ledger.append({
      kind: 'grant',
      volunteer: lease.volunteer,
      unit: String(unit.id),
      lease: lease.id,
      amount: batch.credit,
      at: now,
    });
    // Newly proven: the results it returned while unproven may now complete their units.
    if (before.quiz_passed === 0) this.revalidateUnitsOf(lease.volunteer, now);
  }

  /**
   * A volunteer failed a quiz: nothing it returned is trusted any more. Its valid results lose
   * their credit, and every unit it helped validate is reopened and decided again without it.
   */
  private distrust(volunteer: string, now: number): void {
    const db = this.db;
    const vouched = db
      .prepare(
        `SELECT l.id, l.unit, u.batch, l.outcome FROM leases l JOIN units u ON u.id = l.unit
         WHERE l.volunteer = ? AND l.outcome IN ('valid', 'pending') AND u.state IN ('done', 'open')`,
      )
      .all(volunteer) as { id: string; unit: number; batch: string; outcome: string }[];
    for (const lease of vouched) {
      if (lease.outcome === 'valid') {
        this.revoke(lease.id, now);
        this.reopen(lease.unit, now);
      }
      db.prepare(`UPDATE leases SET outcome = 'invalid' WHERE id = ?`).run(lease.id);
    }
    for (const unit of new Map(vouched.map((l) => [l.unit, l.batch]))) this.revalidateIfOpen(unit[0], unit[1], now);
  }

  /** Puts a validated unit back to deciding: its other valid results return to pending, uncredited. */
  private reopen(unitId: number, now: number): void {
    const db = this.db;
    const state = db.prepare('SELECT state FROM units WHERE id = ?').get(unitId) as { state: string };
    if (state.state !== 'done') return;
    db.prepare(
      `UPDATE units SET state = 'open', canonical = NULL, accepted_alone = 0, done_seq = NULL, done_at = NULL WHERE id = ?`,
    ).run(unitId);
    const valid = db.prepare(`SELECT id FROM leases WHERE unit = ? AND outcome = 'valid'`).all(unitId) as {
      id: string;
    }[];
    for (const { id } of valid) {
      this.revoke(id, now);
      db.prepare(`UPDATE leases SET outcome = 'pending' WHERE id = ?`).run(id);
    }
  }

  private revalidateUnitsOf(volunteer: string, now: number): void {
    const units = this.db
      .prepare(
        `SELECT DISTINCT l.unit, u.batch FROM leases l JOIN units u ON u.id = l.unit
         WHERE l.volunteer = ? AND l.outcome = 'pending' AND u.state = 'open'`,
      )
      .all(volunteer) as { unit: number; batch: string }[];
    for (const { unit, batch } of units) this.validate(unit, batch, now);
  }

  private revalidateIfOpen(unitId: number, batchId: string, now: number): void {
    const { state } = this.db.prepare('SELECT state FROM units WHERE id = ?').get(unitId) as { state: string };
    if (state === 'open') this.validate(unitId, batchId, now);
  }

  private markValid(lease: string, unitId: number, credit: number, replicated: boolean, now: number): void {
    const db = this.db;
    db.prepare(`UPDATE leases SET outcome = 'valid' WHERE id = ?`).run(lease);
    const { volunteer } = db.prepare('SELECT volunteer FROM leases WHERE id = ?').get(lease) as { volunteer: string };
    // Only replicated agreement lengthens the streak: a result accepted alone proves nothing.
    db.prepare(`UPDATE volunteers SET validated = validated + 1, valid_streak = valid_streak + ? WHERE id = ?`).run(
      replicated ? 1 : 0,
      volunteer,
    );
    this.ledger.append({ kind: 'grant', volunteer, unit: String(unitId), lease, amount: credit, at: now });
  }

  private markInvalid(lease: string): void {
    this.db.prepare(`UPDATE leases SET outcome = 'invalid' WHERE id = ?`).run(lease);
    this.db
      .prepare(
        `UPDATE volunteers SET invalid = invalid + 1, valid_streak = 0 WHERE id = (SELECT volunteer FROM leases WHERE id = ?)`,
      )
      .run(lease);
  }

  private revoke(lease: string, now: number): void {
    const granted = this.db
      .prepare(
        `SELECT volunteer, unit, COALESCE(SUM(CASE kind WHEN 'grant' THEN amount ELSE -amount END), 0) AS net
         FROM credit_ledger WHERE lease = ? GROUP BY volunteer, unit`,
      )
      .get(lease) as { volunteer: string; unit: string; net: number } | undefined;
    if (!granted || granted.net <= 0) return;
    this.ledger.append({
      kind: 'revoke',
      volunteer: granted.volunteer,
      unit: granted.unit,
      lease,
      amount: granted.net,
      at: now,
    });
    this.db.prepare('UPDATE volunteers SET validated = validated - 1 WHERE id = ?').run(granted.volunteer);
  }

  /** A batch's policy, read once: batches are never changed after they are published. */
  private policy(batchId: string): BatchPolicyRow {
    let policy = this.policies.get(batchId);
    if (!policy) {
      policy = this.db
        .prepare(
          `SELECT quorum, max_results AS maxResults, validator, tolerance, credit, quizzes FROM batches WHERE id = ?`,
        )
        .get(batchId) as BatchPolicyRow;
      if (this.policies.size >= POLICY_CACHE_SIZE) this.policies.clear();
      this.policies.set(batchId, policy);
    }
    return policy;
  }
}
