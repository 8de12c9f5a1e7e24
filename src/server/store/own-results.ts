// A volunteer's own returned results and where each stands, for the page that computed them:
// it shows its own work at once and needs to learn when a second opinion confirms it.
import type { OwnResultStatus, ResultStatusResponse } from '../../protocol/api.js';
import type { SqlRunner } from './sql.js';

const STATUS_OF: Record<string, OwnResultStatus> = {
  pending: 'waiting',
  valid: 'confirmed',
  passed: 'confirmed',
  invalid: 'rejected',
  failed: 'rejected',
  error: 'error',
  late: 'late',
};

/** The status of each of `leases` that belongs to `volunteer` and has been returned. */
export async function ownResults(
  db: SqlRunner,
  volunteer: string,
  leases: readonly string[],
): Promise<ResultStatusResponse['results']> {
  const unique = [...new Set(leases)];
  if (unique.length === 0) return [];
  const rows = await db.all<{ lease: string; unit: number; project: string; outcome: string }>(
    `SELECT l.id AS lease, l.unit, u.project, l.outcome FROM leases l JOIN units u ON u.id = l.unit
     WHERE l.volunteer = ? AND l.state = 'returned' AND l.id IN (${unique.map(() => '?').join(', ')})`,
    [volunteer, ...unique],
  );
  return rows
    .filter((r) => STATUS_OF[r.outcome] !== undefined)
    .map((r) => ({ lease: r.lease, unit: String(r.unit), project: r.project, status: STATUS_OF[r.outcome]! }));
}
