// The scheduler: picks units for a volunteer, never two replicas of one unit to the same
// volunteer, mixes in quiz units it cannot tell apart, and sends unreplicated units to
// volunteers the trust policy picks. Runs inside the caller's transaction.
import { randomUUID } from 'node:crypto';
import type { Lease } from '../../protocol/api.js';
import { isBlacklisted, quizzesFor, rollTrust, type Standing } from '../trust.js';
import type { Prepares } from './statement-cache.js';

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

const CANDIDATE_COLUMNS = `u.id, u.batch, u.project, u.input, u.results, u.in_flight AS inFlight, b.kernel, k.abi,
  b.deadline_seconds AS deadlineSeconds, b.max_run_seconds AS maxRunSeconds, b.quorum, b.replication, b.quizzes`;

const newLeaseId = () => randomUUID().replaceAll('-', '');

export function leaseUnits(
  db: Prepares,
  volunteer: string,
  max: number,
  projects: string[] | undefined,
  now: number,
  random: () => number,
): Lease[] {
  const standing = db
    .prepare(
      `SELECT valid_streak AS validStreak, quiz_passed AS quizPassed, quiz_failed AS quizFailed FROM volunteers WHERE id = ?`,
    )
    .get(volunteer) as Standing | undefined;
  if (!standing || isBlacklisted(standing)) return [];
  const filter = projects?.length ? `AND u.project IN (${projects.map(() => '?').join(',')})` : '';
  const params = projects?.length ? projects : [];

  const holdsQuiz =
    db
      .prepare(
        `SELECT 1 FROM leases l JOIN units u ON u.id = l.unit
         WHERE l.volunteer = ? AND l.state = 'active' AND u.state = 'quiz' LIMIT 1`,
      )
      .get(volunteer) !== undefined;
  const quizCount = Math.min(max, quizzesFor(standing, max, holdsQuiz, random));
  const quizzes =
    quizCount === 0
      ? []
      : (db
          .prepare(
            `SELECT ${CANDIDATE_COLUMNS} FROM units u JOIN batches b ON b.id = u.batch JOIN kernels k ON k.hash = b.kernel
             WHERE u.state = 'quiz' ${filter}
               AND EXISTS (SELECT 1 FROM units o WHERE o.batch = u.batch AND o.state = 'open')
               AND NOT EXISTS (SELECT 1 FROM leases l WHERE l.unit = u.id AND l.volunteer = ?)
             ORDER BY random() LIMIT ?`,
          )
          .all(...params, volunteer, quizCount) as Candidate[]);

  const regular = db
    .prepare(
      `SELECT ${CANDIDATE_COLUMNS} FROM units u JOIN batches b ON b.id = u.batch JOIN kernels k ON k.hash = b.kernel
       WHERE u.state = 'open' AND u.in_flight < u.want AND u.results + u.in_flight < u.max_results ${filter}
         AND NOT EXISTS (SELECT 1 FROM leases l WHERE l.unit = u.id AND l.volunteer = ?)
       ORDER BY u.id LIMIT ?`,
    )
    .all(...params, volunteer, max - quizzes.length) as Candidate[];

  const insert = db.prepare(
    `INSERT INTO leases (id, unit, volunteer, issued_at, deadline, trusted) VALUES (?, ?, ?, ?, ?, ?)`,
  );
  const bump = db.prepare('UPDATE units SET in_flight = in_flight + 1, want = ? WHERE id = ?');
  const bumpKeep = db.prepare('UPDATE units SET in_flight = in_flight + 1 WHERE id = ?');

  const issue = (row: Candidate, quiz: boolean): Lease => {
    const lease = newLeaseId();
    const deadline = now + row.deadlineSeconds * 1000;
    let trusted = false;
    if (!quiz) {
      const untouched = row.results === 0 && row.inFlight === 0;
      trusted = untouched && row.replication === 'adaptive' && rollTrust(standing, row.quizzes > 0, random);
      // An untouched unit goes out alone to a trusted volunteer, else with its full quorum.
      if (untouched) bump.run(trusted ? 1 : row.quorum, row.id);
      else bumpKeep.run(row.id);
    }
    insert.run(lease, row.id, volunteer, now, deadline, trusted ? 1 : 0);
    return {
      lease,
      unit: String(row.id),
      project: row.project,
      batch: row.batch,
      kernel: row.kernel,
      abi: row.abi,
      input: row.input.toString('base64'),
      deadline,
      maxRunSeconds: row.maxRunSeconds,
    };
  };
  // Quizzes first: an unproven volunteer's results count once its quiz is passed.
  return [...quizzes.map((row) => issue(row, true)), ...regular.map((row) => issue(row, false))];
}
