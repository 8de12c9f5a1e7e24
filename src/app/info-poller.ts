// The volunteer's credit and validation counts as the server reports them: polled while the
// work runs, and fetched once more after each upload and on pause.
import type { VolunteerInfo } from '../protocol/api.js';
import { ServerError } from '../runtime/errors.js';
import type { Credentials, Transport } from '../runtime/ports.js';

/** Uploads refresh the credit as they happen; the poll covers validations of others' replicas. */
const POLL_MS = 5000;
/** Uploads can finish many times a second; the credit shown is fetched at most this often. */
const MIN_REFRESH_MS = 1000;

export type InfoOutcome = 'ok' | 'unreachable' | 'refused';

export class InfoPoller {
  info: VolunteerInfo | undefined;
  private timer: ReturnType<typeof setInterval> | undefined;
  private refreshing = false;
  private lastRefresh = 0;
  private trailing: ReturnType<typeof setTimeout> | undefined;

  constructor(
    /** Where to ask, once there is an identity; undefined before. */
    private readonly source: () => { transport: Transport; credentials: Credentials } | undefined,
    private readonly report: (outcome: InfoOutcome) => void,
  ) {}

  start(): void {
    this.stop();
    void this.refresh();
    this.timer = setInterval(() => void this.refresh(), POLL_MS);
  }

  stop(): void {
    clearInterval(this.timer);
    clearTimeout(this.trailing);
    this.timer = undefined;
    this.trailing = undefined;
  }

  /** Fetches now, unless a fetch is already under way; one asked for within a second of the last
   * fetch happens when the second is up, so the last upload's credit is always shown. */
  async refresh(): Promise<void> {
    const source = this.source();
    if (!source || this.refreshing) return;
    const wait = this.lastRefresh + MIN_REFRESH_MS - Date.now();
    if (wait > 0) {
      this.trailing ??= setTimeout(() => {
        this.trailing = undefined;
        void this.refresh();
      }, wait);
      return;
    }
    this.refreshing = true;
    this.lastRefresh = Date.now();
    let outcome: InfoOutcome = 'ok';
    try {
      this.info = await source.transport.me(source.credentials);
    } catch (err) {
      outcome = isUnreachable(err) ? 'unreachable' : 'refused';
    } finally {
      this.refreshing = false;
    }
    this.report(outcome);
  }
}

/** True for failures that mean "no network or server down", as opposed to a refusal. */
export function isUnreachable(err: unknown): boolean {
  if (err instanceof ServerError) return err.status >= 500 || err.status === 408 || err.status === 429;
  return err instanceof TypeError;
}
