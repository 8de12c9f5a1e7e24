// What the database holds after the chaos: which acknowledged results it lost, how many leases and
// results each unit took, which units have a wrong canonical result, and whether credit matches
// validated work. Read straight from SQLite, as the server left it at the last kill.
import Database from 'better-sqlite3';
import type { Acked } from './swarm.js';

export interface DatabaseFindings {
  /** Acknowledged results not in the database as they were sent. */
  lost: string[];
  leaseRows: number;
  returnedRows: number;
  wrongCanonical: number;
  /** Valid results, over all batches. */
  valid: number;
  /** Credit granted less credit revoked, from the credit ledger. */
  net: number;
  /** Volunteers whose credit is not `credit` × their valid results. */
  volunteerMismatch: { id: string; credit: number; valid: number }[];
}

export function inspectDatabase(
  file: string,
  batch: string,
  acked: Map<string, Acked>,
  credit: number,
): DatabaseFindings {
  const db = new Database(file, { readonly: true });
  try {
    const byId = db.prepare('SELECT volunteer, state, output FROM leases WHERE id = ?');
    const lost: string[] = [];
    for (const [lease, ack] of acked) {
      const row = byId.get(lease) as { volunteer: string; state: string; output: Buffer | null } | undefined;
      const kept =
        row?.volunteer === ack.volunteer && row.state === 'returned' && row.output?.equals(ack.output) === true;
      if (!kept)
        lost.push(`${lease} (${ack.outcome}): ${row ? `${row.state}, output ${row.output?.toString()}` : 'missing'}`);
    }
    const count = (sql: string, ...args: unknown[]) => (db.prepare(sql).get(...args) as { n: number }).n;
    return {
      lost,
      leaseRows: count('SELECT COUNT(*) AS n FROM leases l JOIN units u ON u.id = l.unit WHERE u.batch = ?', batch),
      returnedRows: count(
        `SELECT COUNT(*) AS n FROM leases l JOIN units u ON u.id = l.unit WHERE u.batch = ? AND l.state = 'returned'`,
        batch,
      ),
      wrongCanonical: count(
        `SELECT COUNT(*) AS n FROM units u LEFT JOIN leases l ON l.id = u.canonical
           WHERE u.batch = ? AND (u.state != 'done' OR l.output IS NULL OR l.output != u.input)`,
        batch,
      ),
      valid: count(`SELECT COUNT(*) AS n FROM leases WHERE outcome = 'valid'`),
      net: count(
        `SELECT COALESCE(SUM(CASE kind WHEN 'grant' THEN amount ELSE -amount END), 0) AS n FROM credit_ledger`,
      ),
      volunteerMismatch: db
        .prepare(
          `SELECT v.id, v.credit, (SELECT COUNT(*) FROM leases l WHERE l.volunteer = v.id AND l.outcome = 'valid') AS valid
             FROM volunteers v WHERE v.credit != ? * (SELECT COUNT(*) FROM leases l WHERE l.volunteer = v.id AND l.outcome = 'valid')`,
        )
        .all(credit) as { id: string; credit: number; valid: number }[],
    };
  } finally {
    db.close();
  }
}
