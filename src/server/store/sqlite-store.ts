// The embedded Store on better-sqlite3. Each method runs as one SQLite transaction; WAL mode
// makes a committed transaction survive `kill -9` of the server.
import { randomBytes } from 'node:crypto';
import Database from 'better-sqlite3';
import type {
  BatchStatus,
  LeaderboardEntry,
  Lease,
  ProjectInfo,
  SubmitAck,
  UnitCounts,
  VolunteerInfo,
} from '../../protocol/api.js';
import type { QuorumDecider, ReturnedResult } from '../validator.js';
import { SQLITE_SCHEMA } from './sqlite-schema.js';
import type {
  BatchRow,
  KernelRow,
  ProjectRow,
  Store,
  StoredResult,
  SubmittedResult,
  UnitInput,
  VolunteerRow,
} from './store.js';

interface UnitRecord {
  id: number;
  batch: string;
  state: string;
  in_flight: number;
  results: number;
}

interface LeaseRecord {
  id: string;
  unit: number;
  volunteer: string;
  state: string;
  outcome: string | null;
  output: Buffer | null;
  error: string | null;
}

const COUNTS_SQL = `
  SELECT COALESCE(SUM(state = 'open' AND results = 0 AND in_flight = 0), 0) AS unsent,
         COALESCE(SUM(state = 'open' AND results = 0 AND in_flight > 0), 0) AS inFlight,
         COALESCE(SUM(state = 'open' AND results > 0), 0) AS validating,
         COALESCE(SUM(state = 'done'), 0) AS done,
         COALESCE(SUM(state = 'error'), 0) AS error
  FROM units`;

const newLeaseId = () => randomBytes(12).toString('base64url');
const sameBytes = (a: Uint8Array | null, b: Uint8Array | undefined) =>
  a !== null && b !== undefined && Buffer.compare(Buffer.from(a), Buffer.from(b)) === 0;

export class SqliteStore implements Store {
  private readonly db: Database.Database;

  constructor(file: string) {
    this.db = new Database(file);
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('synchronous = NORMAL');
    this.db.pragma('busy_timeout = 5000');
    this.db.pragma('foreign_keys = ON');
    this.db.exec(SQLITE_SCHEMA);
  }

  async close(): Promise<void> {
    this.db.close();
  }

  async createPublisher(id: string, tokenHash: string, now: number): Promise<void> {
    this.db.prepare('INSERT INTO publishers (id, token_hash, created_at) VALUES (?, ?, ?)').run(id, tokenHash, now);
  }

  async findPublisher(tokenHash: string): Promise<string | undefined> {
    const row = this.db.prepare('SELECT id FROM publishers WHERE token_hash = ?').get(tokenHash) as
      { id: string } | undefined;
    return row?.id;
  }

  async createProject(project: Omit<ProjectRow, 'id'>, preferredId: string): Promise<string> {
    return this.db
      .transaction(() => {
        const taken = this.db.prepare('SELECT 1 FROM projects WHERE id = ?');
        let id = preferredId;
        for (let n = 2; taken.get(id); n++) id = `${preferredId}-${n}`;
        this.db
          .prepare('INSERT INTO projects (id, name, description, owner, created_at) VALUES (?, ?, ?, ?, ?)')
          .run(id, project.name, project.description, project.owner, project.createdAt);
        return id;
      })
      .immediate();
  }

  async getProject(id: string): Promise<ProjectRow | undefined> {
    return this.db
      .prepare('SELECT id, name, description, owner, created_at AS createdAt FROM projects WHERE id = ?')
      .get(id) as ProjectRow | undefined;
  }

  async listProjects(): Promise<ProjectInfo[]> {
    const projects = this.db
      .prepare('SELECT id, name, description FROM projects ORDER BY created_at, id')
      .all() as Omit<ProjectInfo, 'units'>[];
    const counts = this.db.prepare(`${COUNTS_SQL} WHERE project = ?`);
    return projects.map((p) => ({ ...p, units: counts.get(p.id) as UnitCounts }));
  }

  async putKernel(kernel: KernelRow, now: number): Promise<void> {
    this.db
      .prepare('INSERT OR IGNORE INTO kernels (hash, abi, size, bytes, created_at) VALUES (?, ?, ?, ?, ?)')
      .run(kernel.hash, kernel.abi, kernel.bytes.length, Buffer.from(kernel.bytes), now);
  }

  async getKernel(hash: string): Promise<KernelRow | undefined> {
    const row = this.db.prepare('SELECT hash, abi, bytes FROM kernels WHERE hash = ?').get(hash) as
      { hash: string; abi: string; bytes: Buffer } | undefined;
    return row && { hash: row.hash, abi: row.abi, bytes: new Uint8Array(row.bytes) };
  }

  async createBatch(batch: BatchRow, inputs: UnitInput[]): Promise<void> {
    this.db
      .transaction(() => {
        this.db
          .prepare(
            `INSERT INTO batches (id, project, kernel, total, quorum, max_results, deadline_seconds, credit,
             validator, tolerance, max_run_seconds, created_at)
           VALUES (@id, @project, @kernel, @total, @quorum, @maxResults, @deadlineSeconds, @credit,
             @validator, @tolerance, @maxRunSeconds, @createdAt)`,
          )
          .run(batch);
        const insert = this.db.prepare(
          `INSERT INTO units (batch, project, idx, input, input_encoding, want, max_results) VALUES (?, ?, ?, ?, ?, ?, ?)`,
        );
        inputs.forEach((input, idx) =>
          insert.run(
            batch.id,
            batch.project,
            idx,
            Buffer.from(input.bytes),
            input.encoding,
            batch.quorum,
            batch.maxResults,
          ),
        );
      })
      .immediate();
  }

  async getBatch(id: string): Promise<BatchRow | undefined> {
    return this.db
      .prepare(
        `SELECT id, project, kernel, total, quorum, max_results AS maxResults, deadline_seconds AS deadlineSeconds,
           credit, validator, tolerance, max_run_seconds AS maxRunSeconds, created_at AS createdAt
         FROM batches WHERE id = ?`,
      )
      .get(id) as BatchRow | undefined;
  }

  async batchStatus(id: string): Promise<BatchStatus | undefined> {
    const batch = await this.getBatch(id);
    if (!batch) return undefined;
    const counts = this.db.prepare(`${COUNTS_SQL} WHERE batch = ?`).get(id) as UnitCounts;
    return {
      batch: id,
      project: batch.project,
      kernel: batch.kernel,
      total: batch.total,
      counts,
      done: counts.done + counts.error === batch.total,
      createdAt: batch.createdAt,
    };
  }

  async batchResults(id: string, afterIndex: number, limit: number): Promise<StoredResult[]> {
    const rows = this.db
      .prepare(
        `SELECT u.idx AS "index", u.input, u.input_encoding AS inputEncoding, l.output
         FROM units u JOIN leases l ON l.id = u.canonical
         WHERE u.batch = ? AND u.state = 'done' AND u.idx > ? ORDER BY u.idx LIMIT ?`,
      )
      .all(id, afterIndex, limit) as {
      index: number;
      input: Buffer;
      inputEncoding: 'json' | 'base64';
      output: Buffer;
    }[];
    return rows.map((r) => ({ ...r, input: new Uint8Array(r.input), output: new Uint8Array(r.output) }));
  }

  async registerVolunteer(volunteer: VolunteerRow, secretHash: string, now: number): Promise<void> {
    this.db
      .prepare('INSERT INTO volunteers (id, secret_hash, name, site, created_at) VALUES (?, ?, ?, ?, ?)')
      .run(volunteer.id, secretHash, volunteer.name, volunteer.site, now);
  }

  async findVolunteer(secretHash: string): Promise<VolunteerRow | undefined> {
    return this.db.prepare('SELECT id, name, site FROM volunteers WHERE secret_hash = ?').get(secretHash) as
      VolunteerRow | undefined;
  }

  async volunteerInfo(id: string): Promise<VolunteerInfo | undefined> {
    return this.db
      .prepare(
        `SELECT id AS volunteer, name, credit, validated, invalid,
           (SELECT COUNT(*) FROM leases WHERE volunteer = v.id AND outcome = 'pending') AS pending
         FROM volunteers v WHERE id = ?`,
      )
      .get(id) as VolunteerInfo | undefined;
  }

  async leaderboard(limit: number): Promise<LeaderboardEntry[]> {
    return this.db
      .prepare(
        `SELECT id AS volunteer, name, credit, validated FROM volunteers WHERE credit > 0
         ORDER BY credit DESC, id LIMIT ?`,
      )
      .all(limit) as LeaderboardEntry[];
  }

  async leaseUnits(volunteer: string, max: number, projects: string[] | undefined, now: number): Promise<Lease[]> {
    const projectFilter = projects?.length ? `AND u.project IN (${projects.map(() => '?').join(',')})` : '';
    const pick = this.db.prepare(
      `SELECT u.id, u.batch, u.project, u.input, b.kernel, k.abi, b.deadline_seconds AS deadlineSeconds,
         b.max_run_seconds AS maxRunSeconds
       FROM units u JOIN batches b ON b.id = u.batch JOIN kernels k ON k.hash = b.kernel
       WHERE u.state = 'open' AND u.in_flight < u.want AND u.results + u.in_flight < u.max_results ${projectFilter}
         AND NOT EXISTS (SELECT 1 FROM leases l WHERE l.unit = u.id AND l.volunteer = ?)
       ORDER BY u.id LIMIT ?`,
    );
    const insert = this.db.prepare(
      `INSERT INTO leases (id, unit, volunteer, issued_at, deadline) VALUES (?, ?, ?, ?, ?)`,
    );
    const bump = this.db.prepare('UPDATE units SET in_flight = in_flight + 1 WHERE id = ?');
    return this.db
      .transaction(() => {
        const rows = pick.all(...(projects?.length ? projects : []), volunteer, max) as {
          id: number;
          batch: string;
          project: string;
          input: Buffer;
          kernel: string;
          abi: string;
          deadlineSeconds: number;
          maxRunSeconds: number;
        }[];
        return rows.map((row): Lease => {
          const lease = newLeaseId();
          const deadline = now + row.deadlineSeconds * 1000;
          insert.run(lease, row.id, volunteer, now, deadline);
          bump.run(row.id);
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
        });
      })
      .immediate();
  }

  async submitResults(
    volunteer: string,
    results: SubmittedResult[],
    now: number,
    decide: QuorumDecider,
  ): Promise<SubmitAck[]> {
    return this.db
      .transaction(() => results.map((result) => this.submitOne(volunteer, result, now, decide)))
      .immediate();
  }

  private submitOne(volunteer: string, result: SubmittedResult, now: number, decide: QuorumDecider): SubmitAck {
    const lease = this.db
      .prepare('SELECT id, unit, volunteer, state, outcome, output, error FROM leases WHERE id = ?')
      .get(result.lease) as LeaseRecord | undefined;
    const reject = (code: string, message: string): SubmitAck => ({
      lease: result.lease,
      outcome: 'rejected',
      code,
      message,
    });
    if (!lease) return reject('SC_LEASE_UNKNOWN', 'no such lease');
    if (lease.volunteer !== volunteer)
      return reject('SC_LEASE_NOT_YOURS', 'that lease was issued to another volunteer');
    if (lease.state === 'returned') {
      const same =
        result.output !== undefined ? sameBytes(lease.output, result.output) : lease.error === (result.error ?? null);
      if (same) return { lease: lease.id, outcome: 'duplicate' };
      return reject('SC_LEASE_SUPERSEDED', 'a different result was already recorded for that lease');
    }
    const unit = this.db
      .prepare('SELECT id, batch, state, in_flight, results FROM units WHERE id = ?')
      .get(lease.unit) as UnitRecord;
    const wasActive = lease.state === 'active';
    const output = result.output !== undefined ? Buffer.from(result.output) : null;
    const error = result.output !== undefined ? null : (result.error ?? 'unknown error');
    if (unit.state !== 'open') {
      this.db
        .prepare(
          `UPDATE leases SET state = 'returned', outcome = 'late', output = ?, error = ?, returned_at = ? WHERE id = ?`,
        )
        .run(output, error, now, lease.id);
      if (wasActive) this.db.prepare('UPDATE units SET in_flight = in_flight - 1 WHERE id = ?').run(unit.id);
      return { lease: lease.id, outcome: 'late' };
    }
    this.db
      .prepare(`UPDATE leases SET state = 'returned', outcome = ?, output = ?, error = ?, returned_at = ? WHERE id = ?`)
      .run(error === null ? 'pending' : 'error', output, error, now, lease.id);
    this.db
      .prepare('UPDATE units SET results = results + 1, in_flight = in_flight - ? WHERE id = ?')
      .run(wasActive ? 1 : 0, unit.id);
    this.validate(unit.id, unit.batch, now, decide);
    return { lease: lease.id, outcome: 'accepted' };
  }

  private validate(unitId: number, batchId: string, now: number, decide: QuorumDecider): void {
    const batch = this.db
      .prepare('SELECT quorum, max_results AS maxResults, validator, tolerance, credit FROM batches WHERE id = ?')
      .get(batchId) as {
      quorum: number;
      maxResults: number;
      validator: 'exact' | 'json-tolerance';
      tolerance: number;
      credit: number;
    };
    const returned = this.db
      .prepare(
        `SELECT id, output FROM leases WHERE unit = ? AND state = 'returned' AND outcome IN ('pending', 'error')
         ORDER BY returned_at, id`,
      )
      .all(unitId) as { id: string; output: Buffer | null }[];
    const decision = decide(
      batch,
      returned.map((r): ReturnedResult => ({ lease: r.id, output: r.output && new Uint8Array(r.output) })),
    );
    const setOutcome = this.db.prepare('UPDATE leases SET outcome = ? WHERE id = ?');
    const markInvalid = (leases: string[]) => {
      for (const id of leases) {
        setOutcome.run('invalid', id);
        this.db
          .prepare('UPDATE volunteers SET invalid = invalid + 1 WHERE id = (SELECT volunteer FROM leases WHERE id = ?)')
          .run(id);
      }
    };
    if (decision.kind === 'open') {
      this.db.prepare('UPDATE units SET want = ? WHERE id = ?').run(decision.want, unitId);
      return;
    }
    markInvalid(decision.invalid);
    if (decision.kind === 'error') {
      this.db.prepare(`UPDATE units SET state = 'error', error = ? WHERE id = ?`).run(decision.reason, unitId);
      return;
    }
    this.db.prepare(`UPDATE units SET state = 'done', canonical = ? WHERE id = ?`).run(decision.canonical, unitId);
    const grant = this.db.prepare(
      `INSERT INTO credit_ledger (volunteer, unit, lease, amount, granted_at)
       SELECT volunteer, unit, id, ?, ? FROM leases WHERE id = ?`,
    );
    const credit = this.db.prepare(
      'UPDATE volunteers SET credit = credit + ?, validated = validated + 1 WHERE id = (SELECT volunteer FROM leases WHERE id = ?)',
    );
    for (const id of decision.valid) {
      setOutcome.run('valid', id);
      grant.run(batch.credit, now, id);
      credit.run(batch.credit, id);
    }
  }

  async expireLeases(now: number): Promise<number> {
    return this.db
      .transaction(() => {
        const expired = this.db
          .prepare(`UPDATE leases SET state = 'expired' WHERE state = 'active' AND deadline < ? RETURNING unit`)
          .all(now) as { unit: number }[];
        const release = this.db.prepare('UPDATE units SET in_flight = in_flight - 1 WHERE id = ?');
        for (const { unit } of expired) release.run(unit);
        return expired.length;
      })
      .immediate();
  }

  async unitCounts(project?: string): Promise<UnitCounts> {
    if (project) return this.db.prepare(`${COUNTS_SQL} WHERE project = ?`).get(project) as UnitCounts;
    return this.db.prepare(COUNTS_SQL).get() as UnitCounts;
  }
}
