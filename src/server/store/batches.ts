// The batch lifecycle, over the SQL port: a batch is created (whole, or open for more units),
// takes chunks that each name the input index they start at, and is closed or cancelled.
// Appends are idempotent: a chunk that repeats units the batch holds adds only the rest, so a
// retried request or a resumed publish never adds a unit twice and input order is kept.
// Cancelling turns the batch's unfinished units to `cancelled` (the scheduler only leases
// `open` units of batches that are not cancelled) and voids their leases in flight.
import type { BatchState, UnitCounts } from '../../protocol/api.js';
import { insertRows, storableText, type SqlParam, type SqlRunner, type SqlTx } from './sql.js';
import type { BatchRow, QuizInput, StoredResult, UnitInput } from './store.js';

const UNIT_COLUMNS = ['batch', 'project', 'idx', 'input', 'input_encoding', 'want', 'max_results', 'state', 'expected'];

export const BATCH_COLUMNS = `id, project, kernel, total, quorum, max_results AS "maxResults",
  deadline_seconds AS "deadlineSeconds", credit, validator, tolerance, max_run_seconds AS "maxRunSeconds",
  replication, created_at AS "createdAt", name, state`;

/** What an append did: the batch's unit count after it, or why it was refused. */
export type AppendOutcome =
  | { ok: true; total: number; added: number }
  | { ok: false; reason: 'unknown' | 'closed' | 'cancelled' }
  | { ok: false; reason: 'gap'; total: number };

/** Nothing more will happen to the batch: every unit of a closed batch settled, or cancelled. */
export function batchDone(state: BatchState, counts: UnitCounts, total: number): boolean {
  return state === 'cancelled' || (state === 'closed' && counts.done + counts.error === total);
}

function unitRow(batch: BatchRow, idx: number, input: UnitInput): SqlParam[] {
  return [
    batch.id,
    batch.project,
    idx,
    Buffer.from(input.bytes),
    input.encoding,
    batch.quorum,
    batch.maxResults,
    'open',
    null,
  ];
}

/**
 * Inserts the batch and its first units in the caller's transaction; quizzes are interleaved at
 * random among those units so their row ids do not give them away. Resolves false (writing
 * nothing) when the batch's name is taken in its project.
 */
export async function insertBatch(
  tx: SqlTx,
  batch: BatchRow,
  inputs: UnitInput[],
  quizzes: QuizInput[],
  random: () => number,
): Promise<boolean> {
  const quizAt = new Map<number, QuizInput[]>();
  for (const quiz of quizzes) {
    const at = Math.floor(random() * (inputs.length + 1));
    quizAt.set(at, [...(quizAt.get(at) ?? []), quiz]);
  }
  const rows: SqlParam[][] = [];
  let quizIndex = 0;
  const addQuizzes = (at: number) => {
    for (const quiz of quizAt.get(at) ?? []) {
      rows.push([
        batch.id,
        batch.project,
        -++quizIndex,
        Buffer.from(quiz.bytes),
        quiz.encoding,
        0,
        0,
        'quiz',
        Buffer.from(quiz.expected),
      ]);
    }
  };
  inputs.forEach((input, idx) => {
    addQuizzes(idx);
    rows.push(unitRow(batch, idx, input));
  });
  addQuizzes(inputs.length);
  const inserted = await tx.run(
    `INSERT INTO batches (id, project, kernel, total, quorum, max_results, deadline_seconds, credit,
       validator, tolerance, max_run_seconds, replication, quizzes, created_at, name, state)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING`,
    [
      batch.id,
      batch.project,
      batch.kernel,
      inputs.length,
      batch.quorum,
      batch.maxResults,
      batch.deadlineSeconds,
      batch.credit,
      batch.validator,
      batch.tolerance,
      batch.maxRunSeconds,
      batch.replication,
      quizzes.length,
      batch.createdAt,
      batch.name === undefined || batch.name === null ? null : storableText(batch.name),
      batch.state ?? 'closed',
    ],
  );
  if (inserted === 0) return false;
  await insertRows(tx, 'units', UNIT_COLUMNS, rows);
  return true;
}

export async function getBatch(db: SqlRunner, id: string): Promise<BatchRow | undefined> {
  return db.get<BatchRow>(`SELECT ${BATCH_COLUMNS} FROM batches WHERE id = ?`, [id]);
}

export async function findBatchByName(db: SqlRunner, project: string, name: string): Promise<BatchRow | undefined> {
  return db.get<BatchRow>(`SELECT ${BATCH_COLUMNS} FROM batches WHERE project = ? AND name = ?`, [
    project,
    storableText(name),
  ]);
}

/** Adds the units of `inputs` the batch does not hold yet; `offset` is the input index of inputs[0]. */
export async function appendUnits(tx: SqlTx, id: string, offset: number, inputs: UnitInput[]): Promise<AppendOutcome> {
  const batch = await tx.get<BatchRow>(`SELECT ${BATCH_COLUMNS} FROM batches WHERE id = ? ${tx.forUpdate}`, [id]);
  if (!batch) return { ok: false, reason: 'unknown' };
  const already = batch.total - offset;
  if (already < 0) return { ok: false, reason: 'gap', total: batch.total };
  const fresh = inputs.slice(already);
  if (fresh.length === 0) return { ok: true, total: batch.total, added: 0 };
  if (batch.state !== 'open') return { ok: false, reason: batch.state === 'cancelled' ? 'cancelled' : 'closed' };
  await insertRows(
    tx,
    'units',
    UNIT_COLUMNS,
    fresh.map((input, i) => unitRow(batch, batch.total + i, input)),
  );
  await tx.run('UPDATE batches SET total = total + ? WHERE id = ?', [fresh.length, id]);
  return { ok: true, total: batch.total + fresh.length, added: fresh.length };
}

/** Closes an open batch (a closed one stays closed); resolves to the state it is in after. */
export async function closeBatch(tx: SqlTx, id: string): Promise<BatchState | undefined> {
  const batch = await tx.get<{ state: BatchState }>(`SELECT state FROM batches WHERE id = ? ${tx.forUpdate}`, [id]);
  if (!batch) return undefined;
  if (batch.state === 'open') await tx.run(`UPDATE batches SET state = 'closed' WHERE id = ?`, [id]);
  return batch.state === 'open' ? 'closed' : batch.state;
}

/**
 * Cancels a batch: its unfinished units become `cancelled` and leave the scheduler's index,
 * their active leases are voided (a result sent for one later counts as late), validated and
 * failed units stay as they are. Idempotent. Resolves to how many leases it voided.
 */
export async function cancelBatch(tx: SqlTx, id: string): Promise<{ voided: number } | undefined> {
  const batch = await tx.get<{ state: BatchState }>(`SELECT state FROM batches WHERE id = ? ${tx.forUpdate}`, [id]);
  if (!batch) return undefined;
  await tx.run(`UPDATE batches SET state = 'cancelled' WHERE id = ?`, [id]);
  // Units first: on PostgreSQL this waits for any lease transaction holding them, so the leases
  // it issued are committed, and seen, by the statement that voids them.
  await tx.run(`UPDATE units SET state = 'cancelled', in_flight = 0 WHERE batch = ? AND state = 'open'`, [id]);
  const voided = await tx.run(
    `UPDATE leases SET state = 'voided' WHERE state = 'active'
       AND unit IN (SELECT id FROM units WHERE batch = ? AND state = 'cancelled')`,
    [id],
  );
  return { voided };
}

export async function cancelledUnits(db: SqlRunner, id: string): Promise<number> {
  return (await db.get<{ n: number }>(`SELECT COUNT(*) AS n FROM units WHERE batch = ? AND state = 'cancelled'`, [id]))!
    .n;
}

/**
 * Validated results in input order after `afterIndex`; with `settled`, only those before the
 * first unit still being computed, so a follower's cursor never passes a result to come.
 */
export async function resultsByIndex(
  db: SqlRunner,
  id: string,
  afterIndex: number,
  limit: number,
  settled: boolean,
): Promise<StoredResult[]> {
  const before = settled
    ? (
        await db.get<{ idx: number | null }>(
          `SELECT MIN(idx) AS idx FROM units WHERE batch = ? AND state = 'open' AND idx > ?`,
          [id, afterIndex],
        )
      )?.idx
    : null;
  const bound = before === null || before === undefined ? '' : 'AND u.idx < ?';
  const rows = await db.all<{ index: number; input: Buffer; inputEncoding: 'json' | 'base64'; output: Buffer }>(
    `SELECT u.idx AS "index", u.input, u.input_encoding AS "inputEncoding", l.output
     FROM units u JOIN leases l ON l.id = u.canonical
     WHERE u.batch = ? AND u.state = 'done' AND u.idx > ? ${bound} ORDER BY u.idx LIMIT ?`,
    bound ? [id, afterIndex, before!, limit] : [id, afterIndex, limit],
  );
  return rows.map((r) => ({ ...r, input: new Uint8Array(r.input), output: new Uint8Array(r.output) }));
}

/** Validated results in the order they were validated, after `afterSeq`, each with its seq. */
export async function resultsBySeq(
  db: SqlRunner,
  batch: BatchRow,
  afterSeq: number,
  limit: number,
): Promise<(StoredResult & { seq: number })[]> {
  const rows = await db.all<{
    index: number;
    seq: number;
    input: Buffer;
    inputEncoding: 'json' | 'base64';
    output: Buffer;
  }>(
    `SELECT u.idx AS "index", u.done_seq AS seq, u.input, u.input_encoding AS "inputEncoding", l.output
     FROM units u JOIN leases l ON l.id = u.canonical
     WHERE u.project = ? AND u.done_seq > ? AND u.batch = ? AND u.state = 'done' ORDER BY u.done_seq LIMIT ?`,
    [batch.project, afterSeq, batch.id, limit],
  );
  return rows.map((r) => ({
    ...r,
    seq: Number(r.seq),
    input: new Uint8Array(r.input),
    output: new Uint8Array(r.output),
  }));
}
