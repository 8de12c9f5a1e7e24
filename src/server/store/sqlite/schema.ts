// SQLite schema, as numbered migrations. Units keep their sending state in counters (`want`,
// `in_flight`, `results`) so the scheduler finds needy units through one partial index.
// PostgreSQL's schema (../postgres/schema.ts) carries the same versions.
import type { Migration } from '../migrations.js';

/** Version 2 is the first schema this store can take over; older data dirs are refused. */
export const SQLITE_BASELINE = 2;

export const SQLITE_MIGRATIONS: Migration[] = [
  {
    version: 2,
    name: 'baseline: projects, kernels, batches, units, leases, volunteers, sites, ledger',
    sql: `
CREATE TABLE IF NOT EXISTS publishers (
  id TEXT PRIMARY KEY,
  token_hash TEXT NOT NULL UNIQUE,
  created_at INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS projects (
  id TEXT PRIMARY KEY,
  name TEXT NOT NULL,
  description TEXT NOT NULL,
  owner TEXT NOT NULL REFERENCES publishers(id),
  public_results INTEGER NOT NULL DEFAULT 0, -- validated outputs shown publicly (the demo's picture)
  created_at INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS sites (
  key TEXT PRIMARY KEY,
  name TEXT NOT NULL,
  origins TEXT NOT NULL,                -- JSON array of exact origins allowed to embed the widget
  created_at INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS kernels (
  hash TEXT PRIMARY KEY,
  abi TEXT NOT NULL,
  size INTEGER NOT NULL,
  bytes BLOB NOT NULL,
  created_at INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS batches (
  id TEXT PRIMARY KEY,
  project TEXT NOT NULL REFERENCES projects(id),
  kernel TEXT NOT NULL REFERENCES kernels(hash),
  total INTEGER NOT NULL,
  quorum INTEGER NOT NULL,
  max_results INTEGER NOT NULL,
  deadline_seconds INTEGER NOT NULL,
  credit REAL NOT NULL,
  validator TEXT NOT NULL,
  tolerance REAL NOT NULL,
  max_run_seconds INTEGER NOT NULL,
  replication TEXT NOT NULL DEFAULT 'adaptive', -- adaptive | full
  quizzes INTEGER NOT NULL DEFAULT 0,
  created_at INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS units (
  id INTEGER PRIMARY KEY,
  batch TEXT NOT NULL REFERENCES batches(id),
  project TEXT NOT NULL,
  idx INTEGER NOT NULL,
  input BLOB NOT NULL,
  input_encoding TEXT NOT NULL,
  state TEXT NOT NULL DEFAULT 'open',   -- open | done | error | quiz (known answer, never done)
  want INTEGER NOT NULL,                -- replicas wanted in flight at once
  in_flight INTEGER NOT NULL DEFAULT 0,
  results INTEGER NOT NULL DEFAULT 0,   -- replicas returned, kernel errors included
  max_results INTEGER NOT NULL,
  canonical TEXT,
  accepted_alone INTEGER NOT NULL DEFAULT 0, -- validated on one trusted volunteer's result
  done_seq INTEGER,                     -- order of validation, for live pictures and throughput
  done_at INTEGER,
  expected BLOB,                        -- a quiz unit's known answer
  error TEXT,
  UNIQUE (batch, idx)
);
CREATE INDEX IF NOT EXISTS units_needy ON units (id)
  WHERE state = 'open' AND in_flight < want AND results + in_flight < max_results;
CREATE INDEX IF NOT EXISTS units_quiz ON units (batch) WHERE state = 'quiz';
CREATE INDEX IF NOT EXISTS units_batch_state ON units (batch, state);
CREATE INDEX IF NOT EXISTS units_done_seq ON units (project, done_seq) WHERE done_seq IS NOT NULL;
CREATE INDEX IF NOT EXISTS units_done_at ON units (batch, done_at) WHERE done_at IS NOT NULL;
CREATE TABLE IF NOT EXISTS volunteers (
  id TEXT PRIMARY KEY,
  secret_hash TEXT NOT NULL UNIQUE,
  name TEXT NOT NULL,
  site TEXT,
  public_key TEXT NOT NULL,             -- ECDSA P-256 SPKI, base64: verifies result submissions
  credit REAL NOT NULL DEFAULT 0,
  validated INTEGER NOT NULL DEFAULT 0,
  invalid INTEGER NOT NULL DEFAULT 0,
  valid_streak INTEGER NOT NULL DEFAULT 0, -- consecutive valid replicated results (BOINC's CV)
  quiz_passed INTEGER NOT NULL DEFAULT 0,
  quiz_failed INTEGER NOT NULL DEFAULT 0,
  created_at INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS leases (
  id TEXT PRIMARY KEY,
  unit INTEGER NOT NULL REFERENCES units(id),
  volunteer TEXT NOT NULL REFERENCES volunteers(id),
  issued_at INTEGER NOT NULL,
  deadline INTEGER NOT NULL,
  state TEXT NOT NULL DEFAULT 'active', -- active | expired | returned
  trusted INTEGER NOT NULL DEFAULT 0,   -- issued unreplicated to a trusted volunteer
  outcome TEXT,                         -- pending | valid | invalid | error | late | passed | failed (quiz)
  output BLOB,
  error TEXT,
  returned_at INTEGER,
  UNIQUE (unit, volunteer)
);
CREATE INDEX IF NOT EXISTS leases_active ON leases (deadline) WHERE state = 'active';
CREATE INDEX IF NOT EXISTS leases_volunteer_pending ON leases (volunteer) WHERE outcome = 'pending';
CREATE INDEX IF NOT EXISTS leases_unit ON leases (unit, state);
CREATE INDEX IF NOT EXISTS leases_issued ON leases (issued_at);
-- Append-only, hash-chained and signed (see src/server/ledger.ts); never updated or deleted.
CREATE TABLE IF NOT EXISTS credit_ledger (
  seq INTEGER PRIMARY KEY,
  kind TEXT NOT NULL,                   -- grant | revoke
  volunteer TEXT NOT NULL,
  unit TEXT NOT NULL,
  lease TEXT NOT NULL,
  amount REAL NOT NULL,
  at INTEGER NOT NULL,
  prev_hash TEXT NOT NULL,
  hash TEXT NOT NULL,
  signature TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS credit_ledger_volunteer ON credit_ledger (volunteer, seq);
CREATE TRIGGER IF NOT EXISTS credit_ledger_no_update BEFORE UPDATE ON credit_ledger
  BEGIN SELECT RAISE(ABORT, 'the credit ledger is append-only'); END;
CREATE TRIGGER IF NOT EXISTS credit_ledger_no_delete BEFORE DELETE ON credit_ledger
  BEGIN SELECT RAISE(ABORT, 'the credit ledger is append-only'); END;
`,
  },
  {
    version: 3,
    name: 'settings shared by every server process (ledger key, demo token)',
    sql: `
CREATE TABLE IF NOT EXISTS settings (
  name TEXT PRIMARY KEY,
  value TEXT NOT NULL
);
`,
  },
  {
    version: 5,
    name: 'credit ledger as a Merkle tree: stored subtree nodes and signed tree heads',
    sql: `
-- Every perfect subtree of the ledger's RFC 9162 Merkle tree: level 0 holds leaf idx (entry
-- seq idx+1), level k the node over leaves [idx*2^k, (idx+1)*2^k). About two rows per entry;
-- an append adds O(log n) rows and proofs read O(log n) rows (see src/server/merkle.ts).
CREATE TABLE IF NOT EXISTS ledger_tree (
  level INTEGER NOT NULL,
  idx INTEGER NOT NULL,
  hash TEXT NOT NULL,
  PRIMARY KEY (level, idx)
);
-- Signed tree heads, one per transaction that appended (see src/server/tree-head.ts). Size is
-- not unique on purpose: two heads of one size with different roots are a fork that
-- ledger verify must be able to see and name.
CREATE TABLE IF NOT EXISTS ledger_heads (
  seq INTEGER PRIMARY KEY,
  size INTEGER NOT NULL,
  root_hash TEXT NOT NULL,
  "at" INTEGER NOT NULL,
  signature TEXT NOT NULL
);
`,
  },
  {
    version: 7,
    name: 'hot-path indexes: a needy-units index the planner can use, no lease indexes nothing reads',
    sql: `
-- The first units_needy had \`results + in_flight < max_results\` in its WHERE; SQLite cannot
-- prove an arithmetic term from a query's, so it never used the index and every lease request
-- scanned every unit, done ones included. The scheduler keeps that term as a filter.
DROP INDEX IF EXISTS units_needy;
CREATE INDEX IF NOT EXISTS units_needy ON units (id) WHERE state = 'open' AND in_flight < want;
-- Every lease insert and state change paid for two indexes no query needs: a unit's leases are
-- found through UNIQUE (unit, volunteer), and nothing looks leases up by issue time.
DROP INDEX IF EXISTS leases_unit;
DROP INDEX IF EXISTS leases_issued;
`,
  },
  {
    version: 8,
    name: 'batch lifecycle: a name to resume by, and open | closed | cancelled',
    sql: `
-- A batch is built by one publish or by chunks appended while it is open; existing batches were
-- published whole, so they are closed. A name (unique in its project) lets a publish resume.
ALTER TABLE batches ADD COLUMN name TEXT;
ALTER TABLE batches ADD COLUMN state TEXT NOT NULL DEFAULT 'closed'; -- open | closed | cancelled
CREATE UNIQUE INDEX IF NOT EXISTS batches_name ON batches (project, name) WHERE name IS NOT NULL;
-- Values only, no new column: units.state gains 'cancelled', leases.state gains 'voided'.
`,
  },
  {
    version: 9,
    name: 'work generators: per project, a plug-in that keeps units unsent, and its state',
    sql: `
-- Numbered 9, not the 6 first planned: main reached 7 and 8 first, and a store already at 7 or 8
-- would never have applied a 6.
-- One row per project with a work generator (see src/server/store/generator.ts). Its batches are
-- named from \`steps\` (g_<project>_<step>), so a step can never be written twice; state and steps
-- change in the same transaction as the units the step made.
CREATE TABLE IF NOT EXISTS generators (
  project TEXT PRIMARY KEY REFERENCES projects(id),
  name TEXT NOT NULL,                   -- the registered plug-in that makes the units
  kernel TEXT NOT NULL REFERENCES kernels(hash),
  policy TEXT NOT NULL,                 -- JSON: the BatchPolicy of every generated batch
  min_unsent INTEGER NOT NULL,          -- keep at least this many generated units unsent
  state TEXT NOT NULL,                  -- JSON: the plug-in's state after its last step
  steps INTEGER NOT NULL DEFAULT 0,     -- batches generated so far
  updated_at INTEGER NOT NULL
);
`,
  },
];
