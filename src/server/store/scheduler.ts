// The scheduler: picks units for a volunteer, never two replicas of one unit to the same
// volunteer, mixes in quiz units it cannot tell apart, and sends unreplicated units to
// volunteers the trust policy picks. Runs inside the caller's transaction; the units it picks
// are locked (PostgreSQL: skipping those another server is leasing), so no lease is issued twice.
import { randomBytes } from 'node:crypto';
import type { Lease } from '../../protocol/api.js';
import { isBlacklisted, quizzesFor, rollTrust, type Standing } from '../trust.js';
import { allIn, insertRows, runIn, type SqlParam, type SqlTx } from './sql.js';

interface Candidate {
  id: number;
  batch: string;
  project: string;
  input: Buffer;
  kernel: string;
  abi: string;
  deadlineSeconds: number;
  maxRunSeconds: number;
  quorum: number;
  replication: 'adaptive' | 'full';
  quizzes: number;
  results: number;
  inFlight: number;
}

type BatchColumns = Pick<
  Candidate,
  'kernel' | 'abi' | 'deadlineSeconds' | 'maxRunSeconds' | 'quorum' | 'replication' | 'quizzes'
>;

type UnitRow = Omit<Candidate, keyof BatchColumns>;

/** In this order: UnitRow's fields, read as arrays by the needy query. */
const UNIT_COLUMNS = `u.id, u.batch, u.project, u.input, u.results, u.in_flight AS "inFlight"`;
const BATCH_COLUMNS = `b.kernel, k.abi, b.deadline_seconds AS "deadlineSeconds", b.max_run_seconds AS "maxRunSeconds",
  b.quorum, b.replication, b.quizzes`;
const CANDIDATE_COLUMNS = `${UNIT_COLUMNS}, ${BATCH_COLUMNS}`;

/**
 * 128 bits: the time in milliseconds (48 bits), then 80 random bits, as 32 hex digits. Ids that
 * grow with time land at the right edge of the leases' B-trees, so a request's inserts touch a
 * few pages instead of one random page each (with random ids, most of a commit's writes).
 */
function newLeaseIds(count: number): string[] {
  const time = Date.now().toString(16).padStart(12, '0');
  const random = randomBytes(10 * count).toString('hex');
  return Array.from({ length: count }, (_, i) => time + random.slice(20 * i, 20 * i + 20));
}

export async function leaseUnits(
  tx: SqlTx,
  volunteer: string,
  max: number,
  projects: string[] | undefined,
  now: number,
  random: () => number,
): Promise<Lease[]> {
  const standing = await tx.get<Standing>(
    `SELECT valid_streak AS "validStreak", quiz_passed AS "quizPassed", quiz_failed AS "quizFailed"
     FROM volunteers WHERE id = ?`,
    [volunteer],
  );
  if (!standing || isBlacklisted(standing)) return [];
  const filter = projects?.length ? `AND u.project IN (${projects.map(() => '?').join(',')})` : '';
  const params: SqlParam[] = projects?.length ? projects : [];

  const holdsQuiz =
    (await tx.get(
      `SELECT 1 AS held FROM leases l JOIN units u ON u.id = l.unit
       WHERE l.volunteer = ? AND l.state = 'active' AND u.state = 'quiz' LIMIT 1`,
      [volunteer],
    )) !== undefined;
  const wanted = Math.min(max, quizzesFor(standing, max, holdsQuiz, random));
  // Most projects have no quiz units: a probe of the (then empty) quiz index first, rather than
  // the full quiz query with its join, subqueries and random order on every request.
  const quizCount =
    wanted > 0 &&
    (await tx.get(`SELECT 1 AS found FROM units u WHERE u.state = 'quiz' ${filter} LIMIT 1`, params)) !== undefined
      ? wanted
      : 0;
  // Quiz units are never updated, only leased: no row lock, and UNIQUE (unit, volunteer) holds.
  const quizzes =
    quizCount === 0
      ? []
      : await tx.all<Candidate>(
          `SELECT ${CANDIDATE_COLUMNS} FROM units u JOIN batches b ON b.id = u.batch JOIN kernels k ON k.hash = b.kernel
           WHERE u.state = 'quiz' ${filter}
             AND EXISTS (SELECT 1 FROM units o WHERE o.batch = u.batch AND o.state = 'open')
             AND NOT EXISTS (SELECT 1 FROM leases l WHERE l.unit = u.id AND l.volunteer = ?)
           ORDER BY random() LIMIT ?`,
          [...params, volunteer, quizCount],
        );

  // Through the needy index: done units are never scanned, however many a project holds. The
  // units alone, then their few batches once, rather than two joins per unit.
  // Rows as arrays, made into objects here: cheaper than the driver's object per row.
  const needy: UnitRow[] = (
    await tx.arrays<[number, string, string, Buffer, number, number]>(
      `SELECT ${UNIT_COLUMNS} FROM units u ${tx.indexedBy('units_needy')}
       WHERE u.state = 'open' AND u.in_flight < u.want AND u.results + u.in_flight < u.max_results ${filter}
         AND NOT EXISTS (SELECT 1 FROM leases l WHERE l.unit = u.id AND l.volunteer = ?)
       ORDER BY u.id LIMIT ? ${tx.skipLocked('u')}`,
      [...params, volunteer, max - quizzes.length],
    )
  ).map(([id, batch, project, input, results, inFlight]) => ({ id, batch, project, input, results, inFlight }));
  const batches = new Map(
    (
      await allIn<BatchColumns & { id: string }>(
        tx,
        `SELECT b.id, ${BATCH_COLUMNS} FROM batches b JOIN kernels k ON k.hash = b.kernel
         WHERE b.id IN ($IN) AND b.state != 'cancelled'`,
        [...new Set(needy.map((u) => u.batch))],
      )
    ).map(({ id, ...batch }) => [id, batch]),
  );
  // A cancelled batch's units are `cancelled`, not open; one re-opened since (its validator lost
  // trust) still never goes out.
  const regular = needy.filter((unit) => batches.has(unit.batch));
  const leases: Lease[] = [];
  const rows: SqlParam[][] = [];
  // Units whose `want` is set now, by the number of replicas wanted; the rest keep theirs.
  const bumps = new Map<number | null, number[]>();
  const ids = newLeaseIds(quizzes.length + regular.length);
  // The unit's columns and its batch's apart: merging them into one object per unit cost more
  // than the rest of issuing it.
  const issue = (row: UnitRow, batch: BatchColumns, quiz: boolean) => {
    const lease = ids[leases.length]!;
    const deadline = now + batch.deadlineSeconds * 1000;
    let trusted = false;
    if (!quiz) {
      const untouched = row.results === 0 && row.inFlight === 0;
      trusted = untouched && batch.replication === 'adaptive' && rollTrust(standing, batch.quizzes > 0, random);
      // An untouched unit goes out alone to a trusted volunteer, else with its full quorum.
      const want = untouched ? (trusted ? 1 : batch.quorum) : null;
      const same = bumps.get(want);
      if (same) same.push(row.id);
      else bumps.set(want, [row.id]);
    }
    rows.push([lease, row.id, volunteer, now, deadline, trusted ? 1 : 0]);
    leases.push({
      lease,
      unit: String(row.id),
      project: row.project,
      batch: row.batch,
      kernel: batch.kernel,
      abi: batch.abi,
      input: row.input.toString('base64'),
      deadline,
      maxRunSeconds: batch.maxRunSeconds,
    });
  };
  // Quizzes first: an unproven volunteer's results count once its quiz is passed.
  for (const row of quizzes) issue(row, row, true);
  for (const row of regular) issue(row, batches.get(row.batch)!, false);
  for (const [want, ids] of bumps) {
    if (want === null) await runIn(tx, `UPDATE units SET in_flight = in_flight + 1 WHERE id IN ($IN)`, ids);
    else await runIn(tx, `UPDATE units SET in_flight = in_flight + 1, want = ? WHERE id IN ($IN)`, ids, [want]);
  }
  await insertRows(tx, 'leases', ['id', 'unit', 'volunteer', 'issued_at', 'deadline', 'trusted'], rows);
  return leases;
}
