// Stores finished units' results in the outbox while the thread already runs its next unit.
// A strict write waits for the disk, and short units finish many times faster than that, so
// results go together (a group commit): a write starts when the last one has ended and at least
// GROUP_MS after the last one began. A result is uploaded only after its write has committed;
// one lost to a crash before that is not lost work: its unit is still buffered and runs again.
import type { OutboxEntry, RuntimeStore } from './ports.js';

/** Least time from the start of one write to the start of the next. */
export const GROUP_MS = 100;

export interface ResultWriterEvents {
  /** The entries are durably in the outbox (and their units gone from the buffer). */
  stored(entries: OutboxEntry[]): void;
  /** The write failed; the entries' units stay buffered. */
  failed(error: Error, entries: OutboxEntry[]): void;
}

export class ResultWriter {
  private queue: OutboxEntry[] = [];
  private writing: Promise<void> | undefined;
  private lastWrite = -Infinity;
  /** Set by settle(): whoever waits for the results should not wait out the group window. */
  private urgent = false;
  private hurry: (() => void) | undefined;

  constructor(
    private readonly store: RuntimeStore,
    private readonly events: ResultWriterEvents,
    private readonly now: () => number = () => performance.now(),
  ) {}

  /** Results queued or being written. */
  get pending(): number {
    return this.queue.length + (this.writing ? 1 : 0);
  }

  /** Queues a result for the next write. */
  write(entry: OutboxEntry): void {
    this.queue.push(entry);
    this.kick();
  }

  private kick(): void {
    if (this.writing) return;
    this.writing = this.drain().finally(() => {
      this.writing = undefined;
      // Queued after the drain's last look, before this ran: it gets a drain of its own.
      if (this.queue.length > 0) this.kick();
    });
  }

  /** Writes what is queued now and resolves once everything is written (or has failed). */
  async settle(): Promise<void> {
    this.urgent = true;
    this.hurry?.();
    try {
      while (this.writing) await this.writing;
    } finally {
      this.urgent = false;
    }
  }

  private async drain(): Promise<void> {
    while (this.queue.length > 0) {
      const wait = this.lastWrite + GROUP_MS - this.now();
      if (wait > 0 && !this.urgent) {
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, wait);
          this.hurry = () => {
            clearTimeout(timer);
            resolve();
          };
        });
        this.hurry = undefined;
      }
      this.lastWrite = this.now();
      const batch = this.queue;
      this.queue = [];
      try {
        await this.store.finishUnits(batch);
      } catch (err) {
        this.events.failed(err instanceof Error ? err : new Error(String(err)), batch);
        continue;
      }
      this.events.stored(batch);
    }
  }
}
