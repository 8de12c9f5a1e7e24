// Uploads finished units in batches. An entry leaves the outbox only once the server has
// acknowledged it; network failures and 5xx are retried with backoff and jitter.
import type { SubmitAck } from '../protocol/api.js';
import { Backoff, sleep } from './backoff.js';
import { ServerError } from './errors.js';
import type { Credentials, RuntimeStore, Transport } from './ports.js';

const BATCH_SIZE = 64;

export interface OutboxEvents {
  uploaded(acks: SubmitAck[]): void;
  offline(error: Error): void;
  fatal(error: Error): void;
}

export class Outbox {
  private flushing: Promise<void> | undefined;
  private again = false;
  private readonly backoff = new Backoff(1000, 60_000);
  private readonly stopper = new AbortController();

  constructor(
    private readonly store: RuntimeStore,
    private readonly transport: Transport,
    private readonly credentials: () => Credentials,
    private readonly events: OutboxEvents,
  ) {}

  /** Starts an upload round unless one runs; resolves when the outbox is empty or uploading stopped. */
  flush(): Promise<void> {
    if (this.flushing) {
      this.again = true;
      return this.flushing;
    }
    this.flushing = this.drain().finally(() => {
      this.flushing = undefined;
    });
    return this.flushing;
  }

  async pending(): Promise<number> {
    return (await this.store.listOutbox()).length;
  }

  close(): void {
    this.stopper.abort();
  }

  private async drain(): Promise<void> {
    do {
      this.again = false;
      while (!this.stopper.signal.aborted) {
        const entries = (await this.store.listOutbox()).slice(0, BATCH_SIZE);
        if (entries.length === 0) break;
        try {
          const acks = await this.transport.submit(this.credentials(), entries);
          // Every ack is final (accepted, late, duplicate or rejected): none would change on retry.
          await this.store.removeFromOutbox(acks.map((ack) => ack.lease));
          this.backoff.reset();
          this.events.uploaded(acks);
        } catch (err) {
          const error = err instanceof Error ? err : new Error(String(err));
          if (error instanceof ServerError && error.permanent) {
            this.events.fatal(error);
            return;
          }
          this.events.offline(error);
          await sleep(this.backoff.next(), this.stopper.signal);
        }
      }
    } while (this.again && !this.stopper.signal.aborted);
  }
}
