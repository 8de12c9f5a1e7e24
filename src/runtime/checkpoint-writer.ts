// Stores a running unit's checkpoints without letting a chatty kernel hammer the disk: at most
// one write per interval, always of the latest state, never two writes at once, and none
// after the unit's result is stored (a late write would leave an orphan checkpoint behind).
import type { RuntimeStore } from './ports.js';

export const DEFAULT_CHECKPOINT_INTERVAL_MS = 2000;

export interface CheckpointWriterOptions {
  intervalMs: number;
  now(): number;
  /** A failed write is reported, not thrown: the unit runs on and the next checkpoint may land. */
  onError(error: Error): void;
}

export class CheckpointWriter {
  private pending: Uint8Array | undefined;
  private lastWrite = -Infinity;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private writing: Promise<void> = Promise.resolve();
  private closed = false;
  /** Checkpoints written so far (for tests and diagnostics). */
  written = 0;

  constructor(
    private readonly store: RuntimeStore,
    private readonly lease: string,
    private readonly options: CheckpointWriterOptions,
  ) {}

  /** Takes the kernel's latest state; writes it now or when the interval allows. */
  offer(state: Uint8Array): void {
    if (this.closed) return;
    this.pending = state;
    if (this.timer !== undefined) return;
    const wait = this.lastWrite + this.options.intervalMs - this.options.now();
    if (wait <= 0) this.write();
    else
      this.timer = setTimeout(() => {
        this.timer = undefined;
        this.write();
      }, wait);
  }

  /** The unit was interrupted: writes the latest state at once, so the restart loses the least. */
  async flush(): Promise<void> {
    this.close();
    this.write();
    await this.writing;
  }

  /** The unit finished: drops what is pending and waits out a write in flight. */
  async discard(): Promise<void> {
    this.close();
    this.pending = undefined;
    await this.writing;
  }

  private close(): void {
    this.closed = true;
    clearTimeout(this.timer);
    this.timer = undefined;
  }

  private write(): void {
    const state = this.pending;
    this.pending = undefined;
    if (!state) return;
    this.lastWrite = this.options.now();
    this.written++;
    this.writing = this.writing
      .then(() => this.store.putCheckpoint(this.lease, state))
      .catch((err: unknown) => this.options.onError(err instanceof Error ? err : new Error(String(err))));
  }
}
