// Work generators (BOINC's model): a project may have a generator that keeps at least a set
// number of its units unsent, making the next batch from the project's state kept in the
// database. The stage runs inside the transaction that leases units, so it holds with several
// servers: the generator's row is locked while it steps (another server skips it meanwhile), its
// state and step counter change in the same commit as the units it made, and each step's batch
// id is derived from the counter, so a step can never be written twice, even after a crash.
import { jsonToBytes } from '../../protocol/encoding.js';
import { insertRows, storableText, type SqlParam, type SqlRunner, type SqlTx } from './sql.js';
import type { BatchPolicy } from './store.js';

/** A generator plug-in: pure, given its last state it returns the next batch's inputs and its new state. */
export interface WorkGenerator<S = unknown> {
  /** The name a project's generator row refers to; registered on every server process. */
  readonly name: string;
  /** Next batch: unit inputs (JSON values), in order, and the state to keep. No units: nothing more for now. */
  next(state: S): { units: unknown[]; state: S };
}

export interface GeneratorSpec {
  /** A registered generator's name. */
  name: string;
  kernel: string;
  policy: BatchPolicy;
  /** Keep at least this many of the project's generated units unsent. */
  minUnsent: number;
  /** The generator's starting state (JSON). */
  state: unknown;
}

export interface GeneratorStatus {
  project: string;
  name: string;
  minUnsent: number;
  /** Batches generated so far: step n's is generatedBatchId(project, n). */
  steps: number;
  state: unknown;
}

interface GeneratorRow {
  project: string;
  name: string;
  kernel: string;
  policy: string;
  minUnsent: number;
  state: string;
  steps: number;
}

/** Batches a project's generator made, named by step: two writers of one step collide on the key. */
export const generatedBatchId = (project: string, step: number) => `g_${project}_${step}`;

/** Steps one top-up may take: a generator whose batches are tiny cannot hold a lease for long. */
const MAX_STEPS_PER_TOP_UP = 8;
/** The most units a generator may be asked to keep unsent (its count reads that many batches at most). */
export const MAX_MIN_UNSENT = 5000;
/** How long the list of projects with a generator is trusted before it is read again. */
const LIST_TTL_MS = 2000;

const UNIT_COLUMNS = ['batch', 'project', 'idx', 'input', 'input_encoding', 'want', 'max_results', 'state', 'expected'];

export class WorkGenerators {
  private readonly registry = new Map<string, WorkGenerator>();
  private list: { at: number; rows: { project: string; minUnsent: number }[] } | undefined;

  register(generator: WorkGenerator): void {
    this.registry.set(generator.name, generator as WorkGenerator);
  }

  get(name: string): WorkGenerator | undefined {
    return this.registry.get(name);
  }

  /** Gives `project` a generator and runs its first steps, in the caller's transaction. */
  async attach(tx: SqlTx, project: string, spec: GeneratorSpec, now: number): Promise<void> {
    if (!this.registry.has(spec.name)) throw new Error(`no work generator named ${spec.name} is registered`);
    if (!Number.isSafeInteger(spec.minUnsent) || spec.minUnsent < 1 || spec.minUnsent > MAX_MIN_UNSENT) {
      throw new Error(`a generator's minUnsent must be an integer from 1 to ${MAX_MIN_UNSENT}`);
    }
    await tx.run(
      `INSERT INTO generators (project, name, kernel, policy, min_unsent, state, steps, updated_at)
       VALUES (?, ?, ?, ?, ?, ?, 0, ?)`,
      [project, spec.name, spec.kernel, JSON.stringify(spec.policy), spec.minUnsent, JSON.stringify(spec.state), now],
    );
    this.list = undefined;
    await this.topUp(tx, [project], now);
  }

  /**
   * Steps every generator (of `projects`, or all) whose project has fewer than its minimum of
   * generated units unsent. A generator another transaction is stepping is skipped: that one
   * tops it up.
   */
  async topUp(tx: SqlTx, projects: readonly string[] | undefined, now: number): Promise<void> {
    const wanted = projects?.length ? new Set(projects) : undefined;
    for (const { project, minUnsent } of await this.projects(tx, now)) {
      if (wanted && !wanted.has(project)) continue;
      const steps = await this.stepsOf(tx, project);
      if (steps === undefined || (await unsent(tx, project, steps, minUnsent)) >= minUnsent) continue;
      const row = await tx.get<GeneratorRow>(
        `SELECT g.project, g.name, g.kernel, g.policy, g.min_unsent AS "minUnsent", g.state, g.steps
         FROM generators g WHERE g.project = ? ${tx.skipLocked('g')}`,
        [project],
      );
      if (row) await this.step(tx, row, now);
    }
  }

  async status(db: SqlRunner, project: string): Promise<GeneratorStatus | undefined> {
    const row = await db.get<GeneratorRow>(
      `SELECT project, name, kernel, policy, min_unsent AS "minUnsent", state, steps FROM generators WHERE project = ?`,
      [project],
    );
    if (!row) return undefined;
    return {
      project: row.project,
      name: row.name,
      minUnsent: row.minUnsent,
      steps: row.steps,
      state: JSON.parse(row.state) as unknown,
    };
  }

  private async projects(tx: SqlTx, now: number) {
    if (!this.list || now - this.list.at > LIST_TTL_MS || now < this.list.at) {
      const rows = await tx.all<{ project: string; minUnsent: number }>(
        `SELECT project, min_unsent AS "minUnsent" FROM generators ORDER BY project`,
      );
      this.list = { at: now, rows };
    }
    return this.list.rows;
  }

  private async stepsOf(tx: SqlTx, project: string): Promise<number | undefined> {
    return (await tx.get<{ steps: number }>('SELECT steps FROM generators WHERE project = ?', [project]))?.steps;
  }

  /** Under the generator row's lock: recounts, then steps until the minimum is met or the generator rests. */
  private async step(tx: SqlTx, row: GeneratorRow, now: number): Promise<void> {
    const generator = this.registry.get(row.name);
    // A server without the plug-in leaves the project to one that has it.
    if (!generator) return;
    const policy = JSON.parse(row.policy) as BatchPolicy;
    let state = JSON.parse(row.state) as unknown;
    let steps = row.steps;
    let count = await unsent(tx, row.project, steps, row.minUnsent);
    // Another server may have topped it up between our count and our lock.
    if (count >= row.minUnsent) return;
    for (let i = 0; i < MAX_STEPS_PER_TOP_UP && count < row.minUnsent; i++) {
      const next = generator.next(state);
      state = next.state;
      if (next.units.length === 0) break;
      await insertBatch(tx, row, policy, generatedBatchId(row.project, steps), next.units, now);
      steps++;
      count += next.units.length;
    }
    await tx.run(`UPDATE generators SET state = ?, steps = ?, updated_at = ? WHERE project = ? AND steps = ?`, [
      storableText(JSON.stringify(state)),
      steps,
      now,
      row.project,
      row.steps,
    ]);
  }
}

/**
 * Untouched units (never leased) among the newest `enough` generated batches, counted up to
 * `enough`. Every batch holds a unit at least, so while that many are untouched they are found
 * there (units are leased oldest first); one left over in an older batch by an expired lease may
 * cost one extra step, never an endless run of them.
 */
async function unsent(tx: SqlTx, project: string, steps: number, enough: number): Promise<number> {
  const batches = Array.from({ length: Math.min(steps, enough) }, (_, i) => generatedBatchId(project, steps - 1 - i));
  if (batches.length === 0) return 0;
  const row = await tx.get<{ n: number }>(
    `SELECT COUNT(*) AS n FROM (SELECT 1 FROM units WHERE batch IN (${batches.map(() => '?').join(', ')})
       AND state = 'open' AND results = 0 AND in_flight = 0 LIMIT ?) AS untouched`,
    [...batches, enough],
  );
  return row?.n ?? 0;
}

async function insertBatch(
  tx: SqlTx,
  generator: GeneratorRow,
  policy: BatchPolicy,
  id: string,
  inputs: unknown[],
  now: number,
): Promise<void> {
  await tx.run(
    `INSERT INTO batches (id, project, kernel, total, quorum, max_results, deadline_seconds, credit,
       validator, tolerance, max_run_seconds, replication, quizzes, created_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 0, ?)`,
    [
      id,
      generator.project,
      generator.kernel,
      inputs.length,
      policy.quorum,
      policy.maxResults,
      policy.deadlineSeconds,
      policy.credit,
      policy.validator,
      policy.tolerance,
      policy.maxRunSeconds,
      policy.replication,
      now,
    ],
  );
  const rows: SqlParam[][] = inputs.map((input, idx) => [
    id,
    generator.project,
    idx,
    Buffer.from(jsonToBytes(input)),
    'json',
    policy.quorum,
    policy.maxResults,
    'open',
    null,
  ]);
  await insertRows(tx, 'units', UNIT_COLUMNS, rows);
}
