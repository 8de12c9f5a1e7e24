// SQLite schema. Units keep their sending state in counters (`want`, `in_flight`, `results`)
// so the scheduler finds needy units through one partial index.

export const SQLITE_SCHEMA = `
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
  created_at INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS units (
  id INTEGER PRIMARY KEY,
  batch TEXT NOT NULL REFERENCES batches(id),
  project TEXT NOT NULL,
  idx INTEGER NOT NULL,
  input BLOB NOT NULL,
  input_encoding TEXT NOT NULL,
  state TEXT NOT NULL DEFAULT 'open',   -- open | done | error
  want INTEGER NOT NULL,                -- replicas wanted in flight at once
  in_flight INTEGER NOT NULL DEFAULT 0,
  results INTEGER NOT NULL DEFAULT 0,   -- replicas returned, kernel errors included
  max_results INTEGER NOT NULL,
  canonical TEXT,
  error TEXT,
  UNIQUE (batch, idx)
);
CREATE INDEX IF NOT EXISTS units_needy ON units (id)
  WHERE state = 'open' AND in_flight < want AND results + in_flight < max_results;
CREATE TABLE IF NOT EXISTS volunteers (
  id TEXT PRIMARY KEY,
  secret_hash TEXT NOT NULL UNIQUE,
  name TEXT NOT NULL,
  site TEXT,
  credit REAL NOT NULL DEFAULT 0,
  validated INTEGER NOT NULL DEFAULT 0,
  invalid INTEGER NOT NULL DEFAULT 0,
  created_at INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS leases (
  id TEXT PRIMARY KEY,
  unit INTEGER NOT NULL REFERENCES units(id),
  volunteer TEXT NOT NULL REFERENCES volunteers(id),
  issued_at INTEGER NOT NULL,
  deadline INTEGER NOT NULL,
  state TEXT NOT NULL DEFAULT 'active', -- active | expired | returned
  outcome TEXT,                         -- pending | valid | invalid | error | late
  output BLOB,
  error TEXT,
  returned_at INTEGER,
  UNIQUE (unit, volunteer)
);
CREATE INDEX IF NOT EXISTS leases_active ON leases (deadline) WHERE state = 'active';
CREATE INDEX IF NOT EXISTS leases_volunteer_pending ON leases (volunteer) WHERE outcome = 'pending';
CREATE TABLE IF NOT EXISTS credit_ledger (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  volunteer TEXT NOT NULL REFERENCES volunteers(id),
  unit INTEGER NOT NULL REFERENCES units(id),
  lease TEXT NOT NULL UNIQUE,
  amount REAL NOT NULL,
  granted_at INTEGER NOT NULL
);
`;
