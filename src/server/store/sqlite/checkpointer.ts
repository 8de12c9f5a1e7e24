// Checkpoints a busy store's write-ahead log on a worker thread. SQLite's automatic checkpoint
// runs inside COMMIT on the thread that serves every request, and copying the WAL into the
// database file was about half of COMMIT's time under load. Once a store has committed enough
// to be busy, a worker with its own connection runs PASSIVE checkpoints (they never block a
// writer and never wait for one) and the serving connection stops checkpointing. If the worker
// fails, the serving connection checkpoints again; on close the worker checkpoints a last time
// and closes first, so a clean shutdown leaves no WAL behind.
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import type Database from 'better-sqlite3';

/** Commits before a store counts as busy; a short-lived store never starts a thread. */
export const COMMITS_BEFORE_WORKER = 32;
/** How often the worker checkpoints, in milliseconds. */
export const CHECKPOINT_INTERVAL_MS = 50;
/** SQLite's own automatic checkpoint threshold, in pages, restored when the worker fails. */
const AUTOCHECKPOINT_PAGES = 1000;

// The worker's whole program: CommonJS, so it loads the same better-sqlite3 build by path.
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
const db = new Database(workerData.file);
db.pragma('busy_timeout = 5000');
const checkpoint = () => db.pragma('wal_checkpoint(PASSIVE)');
checkpoint();
const timer = setInterval(checkpoint, workerData.intervalMs);
parentPort.on('message', (message) => {
  if (message !== 'close') return;
  clearInterval(timer);
  checkpoint();
  db.close();
  parentPort.postMessage('closed');
  parentPort.close();
});
parentPort.postMessage('ready');
`;

export class Checkpointer {
  private commits = 0;
  private worker: Worker | undefined;
  private closed: Promise<void> | undefined;
  private readonly enabled: boolean;

  constructor(
    private readonly db: Database.Database,
    private readonly file: string,
  ) {
    const mode = String(db.pragma('journal_mode', { simple: true })).toLowerCase();
    this.enabled = mode === 'wal' && file !== ':memory:' && file !== '';
  }

  /** Called after every COMMIT on the serving connection. */
  committed(): void {
    if (!this.enabled || this.worker || this.closed) return;
    if (++this.commits < COMMITS_BEFORE_WORKER) return;
    this.start();
  }

  /** True while the worker checkpoints (for tests). */
  get running(): boolean {
    return this.worker !== undefined;
  }

  private start(): void {
    const driver = createRequire(import.meta.url).resolve('better-sqlite3');
    const worker = new Worker(WORKER_SOURCE, {
      eval: true,
      workerData: { file: this.file, driver, intervalMs: CHECKPOINT_INTERVAL_MS },
    });
    worker.unref();
    this.worker = worker;
    worker.on('message', (message) => {
      if (message === 'ready' && this.db.open) this.db.pragma('wal_autocheckpoint = 0');
    });
    const fail = () => {
      if (this.worker !== worker) return;
      this.worker = undefined;
      if (this.db.open) this.db.pragma(`wal_autocheckpoint = ${AUTOCHECKPOINT_PAGES}`);
    };
    worker.on('error', fail);
    worker.on('exit', fail);
  }

  /** Stops the worker after a last checkpoint; call before closing the serving connection. */
  close(): Promise<void> {
    this.closed ??= this.stop();
    return this.closed;
  }

  private async stop(): Promise<void> {
    const worker = this.worker;
    if (!worker) return;
    this.worker = undefined;
    await new Promise<void>((resolve) => {
      const done = () => resolve();
      worker.once('exit', done);
      worker.once('error', done);
      worker.on('message', (message) => {
        if (message === 'closed') void worker.terminate().then(done, done);
      });
      worker.postMessage('close');
    });
  }
}
