// The scheduler: picks units for a volunteer, never two replicas of one unit to the same
// volunteer, mixes in quiz units it cannot tell apart, and sends unreplicated units to
// volunteers the trust policy picks. Runs inside the caller's transaction; the units it picks
// are locked (PostgreSQL: skipping those another server is leasing), so no lease is issued twice.
import { randomUUID } from 'node:crypto';
import type { Lease } from '../../protocol/api.js';
import { isBlacklisted, quizzesFor, rollTrust, type Standing } from '../trust.js';
import { insertRows, type SqlParam, type SqlTx } from './sql.js';

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

const CANDIDATE_COLUMNS = `u.id, u.batch, u.project, u.input, u.results, u.in_flight AS "inFlight", b.kernel, k.abi,
  b.deadline_seconds AS "deadlineSeconds", b.max_run_seconds AS "maxRunSeconds", b.quorum, b.replication, b.quizzes`;

const newLeaseId = () => randomUUID().replaceAll('-', '');

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
  const quizCount = Math.min(max, quizzesFor(standing, max, holdsQuiz, random));
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

  const regular = await tx.all<Candidate>(
    `SELECT ${CANDIDATE_COLUMNS} FROM units u JOIN batches b ON b.id = u.batch JOIN kernels k ON k.hash = b.kernel
     WHERE u.state = 'open' AND u.in_flight < u.want AND u.results + u.in_flight < u.max_results ${filter}
       AND b.state != 'cancelled'
       AND NOT EXISTS (SELECT 1 FROM leases l WHERE l.unit = u.id AND l.volunteer = ?)
     ORDER BY u.id LIMIT ? ${tx.skipLocked('u')}`,
    [...params, volunteer, max - quizzes.length],
  );

  const leases: Lease[] = [];
  const rows: SqlParam[][] = [];
  // Units whose `want` is set now, by the number of replicas wanted; the rest keep theirs.
  const bumps = new Map<number | null, number[]>();
  const issue = (row: Candidate, quiz: boolean) => {
    const lease = newLeaseId();
    const deadline = now + row.deadlineSeconds * 1000;
    let trusted = false;
    if (!quiz) {
      const untouched = row.results === 0 && row.inFlight === 0;
      trusted = untouched && row.replication === 'adaptive' && rollTrust(standing, row.quizzes > 0, random);
      // An untouched unit goes out alone to a trusted volunteer, else with its full quorum.
      const want = untouched ? (trusted ? 1 : row.quorum) : null;
      bumps.set(want, [...(bumps.get(want) ?? []), row.id]);
    }
    rows.push([lease, row.id, volunteer, now, deadline, trusted ? 1 : 0]);
    leases.push({
      lease,
      unit: String(row.id),
      project: row.project,
      batch: row.batch,
      kernel: row.kernel,
      abi: row.abi,
      input: row.input.toString('base64'),
      deadline,
      maxRunSeconds: row.maxRunSeconds,
    });
  };
  // Quizzes first: an unproven volunteer's results count once its quiz is passed.
  for (const row of quizzes) issue(row, true);
  for (const row of regular) issue(row, false);
  for (const [want, ids] of bumps) {
    const list = ids.map(() => '?').join(',');
    if (want === null) await tx.run(`UPDATE units SET in_flight = in_flight + 1 WHERE id IN (${list})`, ids);
    else await tx.run(`UPDATE units SET in_flight = in_flight + 1, want = ? WHERE id IN (${list})`, [want, ...ids]);
  }
  await insertRows(tx, 'leases', ['id', 'unit', 'volunteer', 'issued_at', 'deadline', 'trusted'], rows);
  return leases;
}
