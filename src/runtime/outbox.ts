// Uploads finished units in batches. An entry leaves the outbox only once the server has
// acknowledged it; network failures and 5xx are retried with backoff and jitter.
import type { SubmitAck } from '../protocol/api.js';
import { base64Length } from '../protocol/encoding.js';
import { Backoff, sleep } from './backoff.js';
import { ServerError } from './errors.js';
import type { Credentials, OutboxEntry, RuntimeStore, Transport } from './ports.js';

const BATCH_SIZE = 64;
/**
 * Result bytes per request (outputs as base64, error texts). The server takes at most 32 MiB per
 * request (MAX_RESULTS_BODY_BYTES), and one result of the largest output (16 MiB, about 21.3 MiB as base64) must fit
 * alone: a request holds several results only while they stay within this.
 */
const BATCH_BYTES = 8 * 1024 * 1024;
/** How long a stored result may wait for others to share its upload while more units run. */
export const UPLOAD_LINGER_MS = 2000;

export interface OutboxEvents {
  uploaded(acks: SubmitAck[]): void;
  offline(error: Error): void;
  fatal(error: Error): void;
}

export class Outbox {
  private flushing: Promise<void> | undefined;
  private again = false;
  /** Results stored since the last upload round began. */
  private unsent = 0;
  private linger: ReturnType<typeof setTimeout> | undefined;
  private readonly backoff = new Backoff(1000, 60_000);
  private readonly stopper = new AbortController();

  constructor(
    private readonly store: RuntimeStore,
    private readonly transport: Transport,
    private readonly credentials: () => Credentials,
    private readonly events: OutboxEvents,
  ) {}

  /**
   * `count` more results are stored: uploads them now when `urgent` or a batch is full, else
   * within UPLOAD_LINGER_MS, so results of short units share a request.
   */
  queued(count: number, urgent: boolean): void {
    this.unsent += count;
    if (urgent || this.unsent >= BATCH_SIZE) {
      void this.flush();
      return;
    }
    this.linger ??= setTimeout(() => void this.flush(), UPLOAD_LINGER_MS);
  }

  /** Starts an upload round unless one runs; resolves when the outbox is empty or uploading stopped. */
  flush(): Promise<void> {
    clearTimeout(this.linger);
    this.linger = undefined;
    this.unsent = 0;
    if (this.flushing) {
      // Whatever was stored meanwhile goes up as soon as this round ends.
      this.again = true;
      return this.flushing;
    }
    this.flushing = this.drain().finally(() => {
      this.flushing = undefined;
      // Asked for after the drain's last look, before this ran: another round.
      if (this.again && !this.stopper.signal.aborted) void this.flush();
    });
    return this.flushing;
  }

  async pending(): Promise<number> {
    return (await this.store.listOutbox()).length;
  }

  close(): void {
    clearTimeout(this.linger);
    this.linger = undefined;
    this.stopper.abort();
  }

  /**
   * Uploads what the outbox holds, a batch per request, until it is empty or only results that
   * finished during the round remain (those wait for the next one). Retries failures with backoff.
   */
  private async drain(): Promise<void> {
    do {
      this.again = false;
      while (!this.stopper.signal.aborted) {
        const all = await this.store.listOutbox();
        if (all.length === 0) break;
        const entries = nextBatch(all);
        try {
          const acks = await this.transport.submit(this.credentials(), entries);
          // Every ack is final (accepted, late, duplicate or rejected): none would change on retry.
          await this.store.removeFromOutbox(acks.map((ack) => ack.lease));
          this.backoff.reset();
          this.events.uploaded(acks);
          if (entries.length === all.length) break;
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

/** The oldest results that share one request: at most BATCH_SIZE of them and BATCH_BYTES, and always one. */
function nextBatch(all: OutboxEntry[]): OutboxEntry[] {
  let bytes = 0;
  let count = 0;
  for (const entry of all) {
    const size = base64Length(entry.output?.length ?? 0) + (entry.error?.length ?? 0);
    if (count > 0 && (count === BATCH_SIZE || bytes + size > BATCH_BYTES)) break;
    bytes += size;
    count++;
  }
  return all.slice(0, count);
}
