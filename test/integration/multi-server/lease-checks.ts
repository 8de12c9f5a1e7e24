// What the leases table says about a multi-process run, read straight from the database: leases
// that went to one volunteer twice, units with more valid results than the quorum, and leases
// whose row names another volunteer than the one the lease was handed to over HTTP.
import type { SqlRunner } from '../../../src/server/store/sql.js';

export interface LeaseFindings {
  /** (unit, volunteer) pairs with more than one lease. */
  doubleLeases: number;
  /** Units with more than `quorum` valid results. */
  overValidated: number;
  /** Leases handed to one volunteer whose row names another (or that have no row). */
  misattributed: string[];
  /** Lease rows no volunteer heard of: issued while the answer was lost to a kill. */
  neverDelivered: number;
  /** Sum of every volunteer's credit. */
  creditSum: number;
}

export async function inspectLeases(
  db: SqlRunner,
  quorum: number,
  leasedTo: Map<string, string>,
): Promise<LeaseFindings> {
  const count = async (sql: string, params: number[] = []) => Number((await db.get<{ n: number }>(sql, params))!.n);
  const rows = await db.all<{ id: string; volunteer: string }>('SELECT id, volunteer FROM leases');
  const byId = new Map(rows.map((r) => [r.id, r.volunteer]));
  const misattributed: string[] = [];
  for (const [lease, volunteer] of leasedTo) {
    const owner = byId.get(lease);
    if (owner !== volunteer) misattributed.push(`${lease}: handed to ${volunteer}, row says ${owner ?? 'no row'}`);
  }
  return {
    doubleLeases: await count(
      'SELECT COUNT(*) AS n FROM (SELECT unit, volunteer FROM leases GROUP BY unit, volunteer HAVING COUNT(*) > 1) d',
    ),
    overValidated: await count(
      `SELECT COUNT(*) AS n FROM (SELECT unit FROM leases WHERE outcome = 'valid' GROUP BY unit HAVING COUNT(*) > ?) o`,
      [quorum],
    ),
    misattributed,
    neverDelivered: rows.filter((r) => !leasedTo.has(r.id)).length,
    creditSum: Number((await db.get<{ n: number }>('SELECT COALESCE(SUM(credit), 0) AS n FROM volunteers'))!.n),
  };
}
