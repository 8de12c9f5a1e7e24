// Read-only views for the project dashboard, the leaderboard and the live demo picture.
import type { BatchStatus, UnitCounts } from '../../protocol/api.js';
import type { Prepares } from './statement-cache.js';
import type { BatchStats, LeaderboardView, ValidatedOutput } from './store.js';

const THROUGHPUT_BUCKET_MS = 10_000;
const THROUGHPUT_WINDOW_MS = 30 * 60_000;
const ACTIVE_WINDOW_MS = 5 * 60_000;

export const COUNTS_SQL = `
  SELECT COALESCE(SUM(state = 'open' AND results = 0 AND in_flight = 0), 0) AS unsent,
         COALESCE(SUM(state = 'open' AND results = 0 AND in_flight > 0), 0) AS inFlight,
         COALESCE(SUM(state = 'open' AND results > 0), 0) AS validating,
         COALESCE(SUM(state = 'done'), 0) AS done,
         COALESCE(SUM(state = 'error'), 0) AS error
  FROM units`;

export function listBatches(db: Prepares, project: string): BatchStatus[] {
  const batches = db
    .prepare(
      'SELECT id AS batch, project, kernel, total, created_at AS createdAt FROM batches WHERE project = ? ORDER BY created_at DESC, id',
    )
    .all(project) as Omit<BatchStatus, 'counts' | 'done' | 'errors'>[];
  return batches.map((b) => {
    const counts = db.prepare(`${COUNTS_SQL} WHERE batch = ?`).get(b.batch) as UnitCounts;
    return { ...b, counts, done: counts.done + counts.error === b.total, errors: [] };
  });
}

export function batchStats(db: Prepares, batch: string, now: number): BatchStats {
  const since = now - THROUGHPUT_WINDOW_MS;
  const buckets = db
    .prepare(
      `SELECT (done_at / ${THROUGHPUT_BUCKET_MS}) * ${THROUGHPUT_BUCKET_MS} AS t, COUNT(*) AS validated
       FROM units WHERE batch = ? AND done_at >= ? GROUP BY 1 ORDER BY 1`,
    )
    .all(batch, since) as { t: number; validated: number }[];
  const outcomes = db
    .prepare(
      `SELECT COALESCE(SUM(l.outcome = 'valid'), 0) AS valid, COALESCE(SUM(l.outcome = 'invalid'), 0) AS invalid,
         COALESCE(SUM(l.outcome = 'error'), 0) AS errors, COUNT(*) AS total,
         COUNT(DISTINCT CASE WHEN l.issued_at >= ? THEN l.volunteer END) AS active
       FROM leases l JOIN units u ON u.id = l.unit WHERE u.batch = ? AND u.state != 'quiz'`,
    )
    .get(now - ACTIVE_WINDOW_MS, batch) as {
    valid: number;
    invalid: number;
    errors: number;
    total: number;
    active: number;
  };
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
export function validatedOutputs(db: Prepares, project: string, afterSeq: number, limit: number): ValidatedOutput[] {
  const rows = db
    .prepare(
      `SELECT u.done_seq AS seq, u.input, l.output FROM units u JOIN leases l ON l.id = u.canonical
       WHERE u.project = ? AND u.done_seq > ? ORDER BY u.done_seq LIMIT ?`,
    )
    .all(project, afterSeq, limit) as { seq: number; input: Buffer; output: Buffer }[];
  return rows.map((r) => ({ seq: r.seq, input: new Uint8Array(r.input), output: new Uint8Array(r.output) }));
}

export function leaderboard(db: Prepares, limit: number): LeaderboardView {
  const volunteers = db
    .prepare(
      `SELECT id AS volunteer, name, credit, validated FROM volunteers WHERE credit > 0
       ORDER BY credit DESC, id LIMIT ?`,
    )
    .all(limit) as LeaderboardView['volunteers'];
  const sites = db
    .prepare(
      `SELECT s.key AS site, s.name, COALESCE(SUM(v.credit), 0) AS credit, COUNT(v.id) AS volunteers
       FROM sites s JOIN volunteers v ON v.site = s.key GROUP BY s.key HAVING credit > 0
       ORDER BY credit DESC, s.key LIMIT ?`,
    )
    .all(limit) as LeaderboardView['sites'];
  return { volunteers, sites };
}
