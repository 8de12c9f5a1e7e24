// What the database holds after the chaos: which acknowledged results it lost, how many leases and
// results each unit took, which units have a wrong canonical result, and whether credit matches
// validated work. Read straight from the store's database (either backend), as the server left
// it at the last kill.
import type { SqlRunner } from '../../../src/server/store/sql.js';
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

export async function inspectDatabase(
  db: SqlRunner,
  batch: string,
  acked: Map<string, Acked>,
  credit: number,
): Promise<DatabaseFindings> {
  const lost: string[] = [];
  for (const [lease, ack] of acked) {
    const row = await db.get<{ volunteer: string; state: string; output: Buffer | null }>(
      'SELECT volunteer, state, output FROM leases WHERE id = ?',
      [lease],
    );
    const kept =
      row?.volunteer === ack.volunteer && row.state === 'returned' && row.output?.equals(ack.output) === true;
    if (!kept)
      lost.push(`${lease} (${ack.outcome}): ${row ? `${row.state}, output ${row.output?.toString()}` : 'missing'}`);
  }
  const count = async (sql: string, ...args: (string | number)[]) => (await db.get<{ n: number }>(sql, args))!.n;
  return {
    lost,
    leaseRows: await count('SELECT COUNT(*) AS n FROM leases l JOIN units u ON u.id = l.unit WHERE u.batch = ?', batch),
    returnedRows: await count(
      `SELECT COUNT(*) AS n FROM leases l JOIN units u ON u.id = l.unit WHERE u.batch = ? AND l.state = 'returned'`,
      batch,
    ),
    wrongCanonical: await count(
      `SELECT COUNT(*) AS n FROM units u LEFT JOIN leases l ON l.id = u.canonical
         WHERE u.batch = ? AND (u.state != 'done' OR l.output IS NULL OR l.output != u.input)`,
      batch,
    ),
    valid: await count(`SELECT COUNT(*) AS n FROM leases WHERE outcome = 'valid'`),
    net: await count(
      `SELECT COALESCE(SUM(CASE kind WHEN 'grant' THEN amount ELSE -amount END), 0) AS n FROM credit_ledger`,
    ),
    volunteerMismatch: await db.all<{ id: string; credit: number; valid: number }>(
      `SELECT v.id, v.credit, (SELECT COUNT(*) FROM leases l WHERE l.volunteer = v.id AND l.outcome = 'valid') AS valid
         FROM volunteers v
         WHERE v.credit != CAST(? AS DOUBLE PRECISION) * (SELECT COUNT(*) FROM leases l WHERE l.volunteer = v.id AND l.outcome = 'valid')`,
      [credit],
    ),
  };
}
