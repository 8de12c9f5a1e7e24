// Decides open units from the results that count, many at once: quorum validation, acceptance of
// a trusted volunteer's unreplicated result, giving up after maxResults. One read of every
// returned result of the units, the decisions in memory, then a bounded number of statements to
// write them (units, leases, volunteers, ledger), whatever the number of units.
import { isProven, type Standing } from '../trust.js';
import type { QuorumDecider, ReturnedResult } from '../validator.js';
import type { LedgerAppender } from './ledger-log.js';
import { allIn, runIn, updateRows, type SqlTx } from './sql.js';
import type { PolicyCache } from './validation.js';

export interface OpenUnit {
  id: number;
  batch: string;
}

/** A returned result that may count towards its unit's decision. */
export interface ReturnedRow {
  unit: number;
  id: string;
  volunteer: string;
  output: Buffer | null;
  trusted: number;
  /** The unit's results so far, kernel errors included. */
  total: number;
  project: string;
}

/** A result beside its volunteer's standing (kept apart: merging the two objects per result was slow). */
interface Returned {
  row: ReturnedRow;
  standing: Standing;
}

/** A lease's verdict, in the order verdicts were reached (a volunteer's streak depends on it). */
interface Verdict {
  lease: string;
  volunteer: string;
  valid: boolean;
  /** A valid result that agreed with others: only those lengthen the streak. */
  replicated: boolean;
  unit: number;
  credit: number;
}

interface Outcomes {
  wants: [number, number][];
  errors: [number, string][];
  done: { unit: number; project: string; canonical: string; alone: boolean }[];
  verdicts: Verdict[];
}

export class UnitDecider {
  constructor(
    private readonly tx: SqlTx,
    private readonly ledger: LedgerAppender,
    private readonly decide: QuorumDecider,
    private readonly policies: PolicyCache,
  ) {}

  /** Decides every unit given (each open, each once) from what the database holds, and writes the outcomes. */
  async decideAll(units: readonly OpenUnit[], now: number): Promise<void> {
    if (units.length === 0) return;
    const rows = await allIn<ReturnedRow>(
      this.tx,
      `SELECT l.unit, l.id, l.volunteer, l.output, l.trusted, u.results AS total, u.project
       FROM leases l JOIN units u ON u.id = l.unit
       WHERE l.unit IN ($IN) AND l.state = 'returned' AND l.outcome IN ('pending', 'error')
       ORDER BY l.unit, l.returned_at, l.id`,
      units.map((u) => u.id),
    );
    await this.decideRows(units, rows, now);
  }

  /**
   * Decides units from their returned results as the caller already holds them (every result
   * that counts, oldest first per unit) and writes the outcomes. A verdict on a lease in
   * `unwritten` (results the caller records after this, in its own statement) changes its
   * outcome there instead of costing a second write of the row.
   */
  async decideRows(
    units: readonly OpenUnit[],
    rows: readonly ReturnedRow[],
    now: number,
    unwritten?: Map<string, { outcome: string }>,
  ): Promise<void> {
    if (units.length === 0) return;
    // The few volunteers behind them, once each rather than a join per result.
    const standings = new Map(
      (
        await allIn<Standing & { id: string }>(
          this.tx,
          `SELECT id, valid_streak AS "validStreak", quiz_passed AS "quizPassed", quiz_failed AS "quizFailed"
           FROM volunteers WHERE id IN ($IN)`,
          [...new Set(rows.map((r) => r.volunteer))],
        )
      ).map(({ id, ...standing }) => [id, standing]),
    );
    const byUnit = new Map<number, Returned[]>();
    for (const r of rows) {
      const unit = Number(r.unit);
      const returned: Returned = { row: r, standing: standings.get(r.volunteer)! };
      const list = byUnit.get(unit);
      if (list) list.push(returned);
      else byUnit.set(unit, [returned]);
    }
    const outcomes: Outcomes = { wants: [], errors: [], done: [], verdicts: [] };
    for (const unit of units) await this.decideOne(unit, byUnit.get(unit.id) ?? [], outcomes);
    await this.write(outcomes, now, unwritten);
  }

  private async decideOne(unit: OpenUnit, results: readonly Returned[], out: Outcomes): Promise<void> {
    if (results.length === 0) return;
    const batch = await this.policies.get(this.tx, unit.batch);
    const returned = results.map((r) => r.row);
    const total = Number(returned[0]!.total);
    const counting = results
      .filter((r) => r.row.output === null || isProven(r.standing, batch.quizzes > 0))
      .map((r) => r.row);
    const alone = returned.length === 1 && total === 1 && returned[0]!.trusted === 1 && counting.length === 1;
    const decision = this.decide(
      { ...batch, quorum: alone ? 1 : batch.quorum, maxResults: Number.MAX_SAFE_INTEGER },
      counting.map((r): ReturnedResult => ({ lease: r.id, output: r.output && new Uint8Array(r.output) })),
    );
    const volunteerOf = new Map(returned.map((r) => [r.id, r.volunteer]));
    const verdict = (lease: string, valid: boolean) =>
      out.verdicts.push({
        lease,
        volunteer: volunteerOf.get(lease)!,
        valid,
        replicated: valid && !alone,
        unit: unit.id,
        credit: batch.credit,
      });
    if (decision.kind === 'done') {
      out.done.push({ unit: unit.id, project: returned[0]!.project, canonical: decision.canonical, alone });
      for (const id of decision.valid) verdict(id, true);
      for (const id of decision.invalid) verdict(id, false);
      return;
    }
    if (total >= batch.maxResults) {
      const distinct = new Set(counting.filter((r) => r.output).map((r) => r.output!.toString('base64'))).size;
      const errors = returned.filter((r) => r.output === null).length;
      out.errors.push([
        unit.id,
        `no ${batch.quorum} agreeing results after ${total} (${distinct} distinct outputs, ${errors} kernel errors)`,
      ]);
      for (const r of returned) if (r.output !== null) verdict(r.id, false);
      return;
    }
    const want = decision.kind === 'open' ? decision.want : 1;
    out.wants.push([unit.id, Math.min(want, batch.maxResults - total)]);
  }

  private async write(out: Outcomes, now: number, unwritten?: Map<string, { outcome: string }>): Promise<void> {
    const tx = this.tx;
    await updateRows(tx, 'units', 'id', ['integer', 'integer'], out.wants, 'want = v.column2');
    if (out.errors.length === 0 && out.done.length === 0 && out.verdicts.length === 0) return;
    // Volunteers' rows and the ledger are written under the ledger lock, so two transactions
    // never hold one volunteer's row each while waiting for the other's.
    await tx.lockLedger();
    await updateRows(tx, 'units', 'id', ['integer', 'text'], out.errors, `state = 'error', error = v.column2`);
    if (out.done.length > 0) {
      // done_seq orders a project's validations; the ledger lock serialises them, so MAX + 1 is unique.
      const next = new Map<string, number>();
      for (const project of new Set(out.done.map((d) => d.project))) {
        const row = await tx.get<{ seq: number | string | null }>(
          'SELECT MAX(done_seq) AS seq FROM units WHERE project = ? AND done_seq IS NOT NULL',
          [project],
        );
        next.set(project, Number(row?.seq ?? 0));
      }
      await updateRows(
        tx,
        'units',
        'id',
        ['integer', 'text', 'integer', 'integer'],
        out.done.map((d) => {
          const seq = next.get(d.project)! + 1;
          next.set(d.project, seq);
          return [d.unit, d.canonical, d.alone ? 1 : 0, seq];
        }),
        `state = 'done', canonical = v.column2, accepted_alone = v.column3, done_at = ?, done_seq = v.column4`,
        [now],
      );
    }
    const valid = out.verdicts.filter((v) => v.valid);
    const stored: Record<'valid' | 'invalid', string[]> = { valid: [], invalid: [] };
    for (const v of out.verdicts) {
      const outcome = v.valid ? 'valid' : 'invalid';
      const pending = unwritten?.get(v.lease);
      if (pending) pending.outcome = outcome;
      else stored[outcome].push(v.lease);
    }
    await runIn(tx, `UPDATE leases SET outcome = 'valid' WHERE id IN ($IN)`, stored.valid);
    await runIn(tx, `UPDATE leases SET outcome = 'invalid' WHERE id IN ($IN)`, stored.invalid);
    await updateRows(
      tx,
      'volunteers',
      'id',
      ['text', 'integer', 'integer', 'integer', 'integer'],
      standingChanges(out.verdicts),
      `validated = validated + v.column2, invalid = invalid + v.column3,
       valid_streak = CASE WHEN v.column4 = 1 THEN v.column5 ELSE valid_streak + v.column5 END`,
    );
    await this.ledger.appendAll(
      valid.map((v) => ({
        kind: 'grant' as const,
        volunteer: v.volunteer,
        unit: String(v.unit),
        lease: v.lease,
        amount: v.credit,
        at: now,
      })),
    );
  }
}

/**
 * Each volunteer's counters after its verdicts, in order: validated and invalid added, and the
 * streak either reset by an invalid result (then the replicated valid ones after the last
 * invalid) or lengthened. Rows: [volunteer, validated, invalid, reset (0/1), streak].
 */
function standingChanges(verdicts: readonly Verdict[]): [string, number, number, number, number][] {
  const changes = new Map<string, [string, number, number, number, number]>();
  for (const v of verdicts) {
    const row = changes.get(v.volunteer) ?? [v.volunteer, 0, 0, 0, 0];
    if (v.valid) {
      row[1]++;
      if (v.replicated) row[4]++;
    } else {
      row[2]++;
      row[3] = 1;
      row[4] = 0;
    }
    changes.set(v.volunteer, row);
  }
  return [...changes.values()];
}
