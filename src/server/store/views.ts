// Read-only views for the project dashboard, the leaderboard, the live demo picture and the
// store's own audit, in SQL that every backend runs.
import type { BatchStatus, UnitCounts } from '../../protocol/api.js';
import { batchDone, cancelledUnits } from './batches.js';
import type { SqlRunner } from './sql.js';
import type { BatchStats, LeaderboardView, StoreAudit, ValidatedOutput } from './store.js';

const THROUGHPUT_BUCKET_MS = 10_000;
const THROUGHPUT_WINDOW_MS = 30 * 60_000;
const ACTIVE_WINDOW_MS = 5 * 60_000;

export const COUNTS_SQL = `
  SELECT COUNT(*) FILTER (WHERE state = 'open' AND results = 0 AND in_flight = 0) AS unsent,
         COUNT(*) FILTER (WHERE state = 'open' AND results = 0 AND in_flight > 0) AS "inFlight",
         COUNT(*) FILTER (WHERE state = 'open' AND results > 0) AS validating,
         COUNT(*) FILTER (WHERE state = 'done') AS done,
         COUNT(*) FILTER (WHERE state = 'error') AS error
  FROM units`;

export async function unitCounts(db: SqlRunner, where = '', params: string[] = []): Promise<UnitCounts> {
  return (await db.get<UnitCounts>(`${COUNTS_SQL} ${where}`, params))!;
}

export async function listBatches(db: SqlRunner, project: string, limit?: number): Promise<BatchStatus[]> {
  const batches = await db.all<Omit<BatchStatus, 'counts' | 'done' | 'errors' | 'cancelled'>>(
    `SELECT id AS batch, name, project, kernel, state, total, created_at AS "createdAt" FROM batches
     WHERE project = ? ORDER BY created_at DESC, id ${limit === undefined ? '' : 'LIMIT ?'}`,
    limit === undefined ? [project] : [project, limit],
  );
  return Promise.all(
    batches.map(async (b) => {
      const counts = await unitCounts(db, 'WHERE batch = ?', [b.batch]);
      const cancelled = b.state === 'cancelled' ? await cancelledUnits(db, b.batch) : 0;
      return { ...b, counts, cancelled, done: batchDone(b.state, counts, b.total), errors: [] };
    }),
  );
}

export async function batchStats(db: SqlRunner, batch: string, now: number): Promise<BatchStats> {
  const since = now - THROUGHPUT_WINDOW_MS;
  const buckets = await db.all<{ t: number; validated: number }>(
    `SELECT (done_at / ${THROUGHPUT_BUCKET_MS}) * ${THROUGHPUT_BUCKET_MS} AS t, COUNT(*) AS validated
     FROM units WHERE batch = ? AND done_at >= ? GROUP BY 1 ORDER BY 1`,
    [batch, since],
  );
  const outcomes = (await db.get<{ valid: number; invalid: number; errors: number; total: number; active: number }>(
    `SELECT COUNT(*) FILTER (WHERE l.outcome = 'valid') AS valid, COUNT(*) FILTER (WHERE l.outcome = 'invalid') AS invalid,
       COUNT(*) FILTER (WHERE l.outcome = 'error') AS errors, COUNT(*) AS total,
       COUNT(DISTINCT CASE WHEN l.issued_at >= ? THEN l.volunteer END) AS active
     FROM leases l JOIN units u ON u.id = l.unit WHERE u.batch = ? AND u.state != 'quiz'`,
    [now - ACTIVE_WINDOW_MS, batch],
  ))!;
  const returned = outcomes.valid + outcomes.invalid + outcomes.errors;
  return {
    bucketMs: THROUGHPUT_BUCKET_MS,
    throughput: buckets,
    activeVolunteers: outcomes.active,
    leases: outcomes.total,
    invalidRate: returned ? outcomes.invalid / returned : 0,
    errorRate: returned ? outcomes.errors / returned : 0,
  };
}

/** Validated outputs of a project in the order they were validated, after `afterSeq`. */
export async function validatedOutputs(
  db: SqlRunner,
  project: string,
  afterSeq: number,
  limit: number,
): Promise<ValidatedOutput[]> {
  const rows = await db.all<{ seq: number; input: Buffer; output: Buffer }>(
    `SELECT u.done_seq AS seq, u.input, l.output FROM units u JOIN leases l ON l.id = u.canonical
     WHERE u.project = ? AND u.done_seq > ? ORDER BY u.done_seq LIMIT ?`,
    [project, afterSeq, limit],
  );
  return rows.map((r) => ({ seq: r.seq, input: new Uint8Array(r.input), output: new Uint8Array(r.output) }));
}

/** The newest validation's `seq` in a project (0 before any), so a picture can start near the end. */
export async function latestOutputSeq(db: SqlRunner, project: string): Promise<number> {
  const row = await db.get<{ seq: number | null }>(
    'SELECT MAX(done_seq) AS seq FROM units WHERE project = ? AND done_seq IS NOT NULL',
    [project],
  );
  return Number(row?.seq ?? 0);
}

export async function leaderboard(db: SqlRunner, limit: number): Promise<LeaderboardView> {
  const volunteers = await db.all<LeaderboardView['volunteers'][number]>(
    `SELECT id AS volunteer, name, credit, validated FROM volunteers WHERE credit > 0
     ORDER BY credit DESC, id LIMIT ?`,
    [limit],
  );
  const sites = await db.all<LeaderboardView['sites'][number]>(
    `SELECT s.key AS site, s.name, COALESCE(SUM(v.credit), 0) AS credit, COUNT(v.id) AS volunteers
     FROM sites s JOIN volunteers v ON v.site = s.key GROUP BY s.key, s.name HAVING COALESCE(SUM(v.credit), 0) > 0
     ORDER BY credit DESC, s.key LIMIT ?`,
    [limit],
  );
  return { volunteers, sites };
}

/** Figures that must always hold; checked by tests after crashes and fuzzing. */
export async function audit(db: SqlRunner): Promise<StoreAudit> {
  const count = async (sql: string) => (await db.get<{ n: number }>(sql))!.n;
  return {
    inconsistentUnits: await count(
      `SELECT COUNT(*) AS n FROM units u WHERE u.state != 'quiz' AND (
         u.in_flight != (SELECT COUNT(*) FROM leases l WHERE l.unit = u.id AND l.state = 'active')
         OR u.results != (SELECT COUNT(*) FROM leases l WHERE l.unit = u.id AND l.state = 'returned' AND l.outcome != 'late')
         OR (u.state = 'done') != (u.canonical IS NOT NULL))`,
    ),
    creditMismatches: await count(
      `SELECT COUNT(*) AS n FROM volunteers v WHERE abs(v.credit - COALESCE((SELECT SUM(CASE kind WHEN 'grant'
         THEN amount ELSE -amount END) FROM credit_ledger c WHERE c.volunteer = v.id), 0)) > 1e-6`,
    ),
    ledgerEntries: await count('SELECT COUNT(*) AS n FROM credit_ledger'),
    validLeases: await count(`SELECT COUNT(*) AS n FROM leases WHERE outcome IN ('valid', 'passed')`),
  };
}
