// The embedded Store on better-sqlite3. Each method runs as one SQLite transaction; WAL mode
// makes a committed transaction survive `kill -9` of the server. The scheduler, validation and
// ledger live in their own modules and meet here, in the database.
import Database from 'better-sqlite3';
import type { BatchStatus, Lease, ProjectInfo, SubmitAck, UnitCounts, VolunteerInfo } from '../../protocol/api.js';
import { loadOrCreateServerKey, type LedgerEntry, type ServerKey } from '../ledger.js';
import { decideUnit, type QuorumDecider } from '../validator.js';
import { cachedStatements, type Prepares } from './statement-cache.js';
import { batchStats, COUNTS_SQL, leaderboard, listBatches, validatedOutputs } from './sqlite-dashboard.js';
import { SqliteLedger } from './sqlite-ledger.js';
import { leaseUnits } from './sqlite-scheduler.js';
import { SCHEMA_VERSION, SQLITE_SCHEMA } from './sqlite-schema.js';
import { SqliteValidation } from './sqlite-validation.js';
import type {
  BatchStats,
  LeaderboardView,
  SiteRow,
  ValidatedOutput,
  BatchRow,
  KernelRow,
  ProjectRow,
  QuizInput,
  Store,
  StoreAudit,
  StoredResult,
  SubmittedResult,
  UnitError,
  UnitInput,
  VolunteerRow,
} from './store.js';

export interface SqliteStoreOptions {
  /** The server's ledger key; an in-memory key when omitted (tests). */
  key?: ServerKey;
  random?: () => number;
}

export class SqliteStore implements Store {
  private readonly raw: Database.Database;
  private readonly db: Prepares;
  private readonly validation: SqliteValidation;
  private readonly ledger: SqliteLedger;
  private readonly random: () => number;
  private readonly key: ServerKey;

  constructor(file: string, options: SqliteStoreOptions = {}) {
    this.raw = new Database(file);
    this.raw.pragma('journal_mode = WAL');
    this.raw.pragma('synchronous = NORMAL');
    this.raw.pragma('busy_timeout = 5000');
    this.raw.pragma('foreign_keys = ON');
    const version = this.raw.pragma('user_version', { simple: true }) as number;
    const fresh = this.raw.prepare(`SELECT COUNT(*) AS n FROM sqlite_master WHERE type = 'table'`).get() as {
      n: number;
    };
    if (fresh.n > 0 && version !== SCHEMA_VERSION) {
      this.raw.close();
      throw new Error(
        `${file} was written by another version of Spare Cycles (schema ${version}, this one needs ${SCHEMA_VERSION}); ` +
          'move that data dir aside and start again',
      );
    }
    this.raw.exec(SQLITE_SCHEMA);
    this.raw.pragma(`user_version = ${SCHEMA_VERSION}`);
    this.db = cachedStatements(this.raw);
    this.key = options.key ?? loadOrCreateServerKey(undefined);
    this.ledger = new SqliteLedger(this.db, this.key);
    this.validation = new SqliteValidation(this.db, this.ledger, decideUnit);
    this.random = options.random ?? Math.random;
  }

  async close(): Promise<void> {
    this.raw.close();
  }

  /** Runs `fn` as one IMMEDIATE transaction; appended ledger entries are dropped with it on failure. */
  private write<T>(fn: () => T): T {
    try {
      return this.raw.transaction(fn).immediate();
    } catch (err) {
      this.ledger.rollback();
      throw err;
    }
  }

  async createPublisher(id: string, tokenHash: string, now: number): Promise<void> {
    this.db.prepare('INSERT INTO publishers (id, token_hash, created_at) VALUES (?, ?, ?)').run(id, tokenHash, now);
  }

  async findPublisher(tokenHash: string): Promise<string | undefined> {
    const row = this.db.prepare('SELECT id FROM publishers WHERE token_hash = ?').get(tokenHash) as
      { id: string } | undefined;
    return row?.id;
  }

  async createProject(
    project: Omit<ProjectRow, 'id' | 'publicResults'> & { publicResults?: boolean },
    preferredId: string,
  ): Promise<string> {
    return this.write(() => {
      const taken = this.db.prepare('SELECT 1 FROM projects WHERE id = ?');
      let id = preferredId;
      for (let n = 2; taken.get(id); n++) id = `${preferredId}-${n}`;
      this.db
        .prepare(
          'INSERT INTO projects (id, name, description, owner, public_results, created_at) VALUES (?, ?, ?, ?, ?, ?)',
        )
        .run(id, project.name, project.description, project.owner, project.publicResults ? 1 : 0, project.createdAt);
      return id;
    });
  }

  async getProject(id: string): Promise<ProjectRow | undefined> {
    const row = this.db
      .prepare(
        `SELECT id, name, description, owner, public_results = 1 AS publicResults, created_at AS createdAt
         FROM projects WHERE id = ?`,
      )
      .get(id) as (Omit<ProjectRow, 'publicResults'> & { publicResults: number }) | undefined;
    return row && { ...row, publicResults: row.publicResults === 1 };
  }

  async listProjects(): Promise<ProjectInfo[]> {
    return this.projectInfos('', []);
  }

  /** Projects (all, or those matching `where`) with their unit counts, oldest first. */
  private projectInfos(where: string, params: string[]): ProjectInfo[] {
    const projects = this.db
      .prepare(`SELECT id, name, description, public_results AS picture FROM projects ${where} ORDER BY created_at, id`)
      .all(...params) as (Omit<ProjectInfo, 'units' | 'picture'> & { picture: number })[];
    const counts = this.db.prepare(`${COUNTS_SQL} WHERE project = ?`);
    return projects.map((p) => ({ ...p, picture: p.picture === 1, units: counts.get(p.id) as UnitCounts }));
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

  async createBatch(batch: BatchRow, inputs: UnitInput[], quizzes: QuizInput[] = []): Promise<void> {
    this.write(() => {
      this.db
        .prepare(
          `INSERT INTO batches (id, project, kernel, total, quorum, max_results, deadline_seconds, credit,
             validator, tolerance, max_run_seconds, replication, quizzes, created_at)
           VALUES (@id, @project, @kernel, @total, @quorum, @maxResults, @deadlineSeconds, @credit,
             @validator, @tolerance, @maxRunSeconds, @replication, @quizzes, @createdAt)`,
        )
        .run({ ...batch, quizzes: quizzes.length });
      const insert = this.db.prepare(
        `INSERT INTO units (batch, project, idx, input, input_encoding, want, max_results, state, expected)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      );
      // Quizzes are interleaved at random so their row ids do not give them away.
      const quizAt = new Map<number, QuizInput[]>();
      for (const quiz of quizzes) {
        const at = Math.floor(this.random() * (inputs.length + 1));
        quizAt.set(at, [...(quizAt.get(at) ?? []), quiz]);
      }
      let quizIndex = 0;
      const addQuizzes = (at: number) => {
        for (const quiz of quizAt.get(at) ?? []) {
          insert.run(
            batch.id,
            batch.project,
            -++quizIndex,
            Buffer.from(quiz.bytes),
            quiz.encoding,
            0,
            0,
            'quiz',
            Buffer.from(quiz.expected),
          );
        }
      };
      inputs.forEach((input, idx) => {
        addQuizzes(idx);
        insert.run(
          batch.id,
          batch.project,
          idx,
          Buffer.from(input.bytes),
          input.encoding,
          batch.quorum,
          batch.maxResults,
          'open',
          null,
        );
      });
      addQuizzes(inputs.length);
    });
  }

  async getBatch(id: string): Promise<BatchRow | undefined> {
    return this.db
      .prepare(
        `SELECT id, project, kernel, total, quorum, max_results AS maxResults, deadline_seconds AS deadlineSeconds,
           credit, validator, tolerance, max_run_seconds AS maxRunSeconds, replication, created_at AS createdAt
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
      errors: await this.batchErrors(id, 20),
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

  async batchErrors(id: string, limit: number): Promise<UnitError[]> {
    return this.db
      .prepare(
        `SELECT idx AS "index", error AS reason FROM units WHERE batch = ? AND state = 'error' ORDER BY idx LIMIT ?`,
      )
      .all(id, limit) as UnitError[];
  }

  async registerVolunteer(volunteer: VolunteerRow, secretHash: string, now: number): Promise<void> {
    this.db
      .prepare('INSERT INTO volunteers (id, secret_hash, name, site, public_key, created_at) VALUES (?, ?, ?, ?, ?, ?)')
      .run(volunteer.id, secretHash, volunteer.name, volunteer.site, volunteer.publicKey, now);
  }

  async findVolunteer(secretHash: string): Promise<VolunteerRow | undefined> {
    return this.db
      .prepare('SELECT id, name, site, public_key AS publicKey FROM volunteers WHERE secret_hash = ?')
      .get(secretHash) as VolunteerRow | undefined;
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

  async leaderboard(limit: number): Promise<LeaderboardView> {
    return leaderboard(this.db, limit);
  }

  async forgetVolunteer(id: string): Promise<void> {
    // The secret and key are replaced by values nobody holds: the record can no longer act.
    this.db
      .prepare(
        `UPDATE volunteers SET name = 'forgotten', secret_hash = 'forgotten:' || id, public_key = '' WHERE id = ?`,
      )
      .run(id);
  }

  async createSite(site: SiteRow, now: number): Promise<void> {
    this.db
      .prepare('INSERT INTO sites (key, name, origins, created_at) VALUES (?, ?, ?, ?)')
      .run(site.key, site.name, JSON.stringify(site.origins), now);
  }

  async getSite(key: string): Promise<SiteRow | undefined> {
    const row = this.db.prepare('SELECT key, name, origins FROM sites WHERE key = ?').get(key) as
      { key: string; name: string; origins: string } | undefined;
    return row && { key: row.key, name: row.name, origins: JSON.parse(row.origins) as string[] };
  }

  async listProjectsOf(owner: string): Promise<ProjectInfo[]> {
    return this.projectInfos('WHERE owner = ?', [owner]);
  }

  async listBatches(project: string): Promise<BatchStatus[]> {
    return listBatches(this.db, project);
  }

  async batchStats(batch: string, now: number): Promise<BatchStats> {
    return batchStats(this.db, batch, now);
  }

  async validatedOutputs(project: string, afterSeq: number, limit: number): Promise<ValidatedOutput[]> {
    return validatedOutputs(this.db, project, afterSeq, limit);
  }

  async leaseUnits(volunteer: string, max: number, projects: string[] | undefined, now: number): Promise<Lease[]> {
    return this.write(() => leaseUnits(this.db, volunteer, max, projects, now, this.random));
  }

  async submitResults(
    volunteer: string,
    results: SubmittedResult[],
    now: number,
    decide: QuorumDecider,
  ): Promise<SubmitAck[]> {
    const validation = decide === decideUnit ? this.validation : new SqliteValidation(this.db, this.ledger, decide);
    return this.write(() => results.map((result) => validation.submit(volunteer, result, now)));
  }

  async expireLeases(now: number): Promise<number> {
    return this.write(() => {
      const expired = this.db
        .prepare(`UPDATE leases SET state = 'expired' WHERE state = 'active' AND deadline < ? RETURNING unit`)
        .all(now) as { unit: number }[];
      // Quiz units keep no in-flight count.
      const release = this.db.prepare(`UPDATE units SET in_flight = in_flight - 1 WHERE id = ? AND state != 'quiz'`);
      for (const { unit } of expired) release.run(unit);
      return expired.length;
    });
  }

  async unitCounts(project?: string): Promise<UnitCounts> {
    if (project) return this.db.prepare(`${COUNTS_SQL} WHERE project = ?`).get(project) as UnitCounts;
    return this.db.prepare(COUNTS_SQL).get() as UnitCounts;
  }

  async ledgerEntries(afterSeq: number, limit: number): Promise<LedgerEntry[]> {
    return this.ledger.entries(afterSeq, limit);
  }

  ledgerPublicKey(): { pem: string; raw: string } {
    return { pem: this.key.publicKeyPem, raw: this.key.publicKeyRaw };
  }

  async receipts(volunteer: string, afterSeq: number, limit: number): Promise<LedgerEntry[]> {
    return this.ledger.receipts(volunteer, afterSeq, limit);
  }

  async audit(): Promise<StoreAudit> {
    const one = <T>(sql: string) => this.db.prepare(sql).get() as T;
    const inconsistent = one<{ n: number }>(
      `SELECT COUNT(*) AS n FROM units u WHERE u.state != 'quiz' AND (
         u.in_flight != (SELECT COUNT(*) FROM leases l WHERE l.unit = u.id AND l.state = 'active')
         OR u.results != (SELECT COUNT(*) FROM leases l WHERE l.unit = u.id AND l.state = 'returned' AND l.outcome != 'late')
         OR (u.state = 'done') != (u.canonical IS NOT NULL))`,
    ).n;
    const mismatches = one<{ n: number }>(
      `SELECT COUNT(*) AS n FROM volunteers v WHERE abs(v.credit - COALESCE((SELECT SUM(CASE kind WHEN 'grant'
         THEN amount ELSE -amount END) FROM credit_ledger c WHERE c.volunteer = v.id), 0)) > 1e-6`,
    ).n;
    return {
      inconsistentUnits: inconsistent,
      creditMismatches: mismatches,
      ledgerEntries: one<{ n: number }>('SELECT COUNT(*) AS n FROM credit_ledger').n,
      validLeases: one<{ n: number }>(`SELECT COUNT(*) AS n FROM leases WHERE outcome IN ('valid', 'passed')`).n,
    };
  }
}
