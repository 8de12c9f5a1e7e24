// Runs the volunteer runtime for the card: one thread at a quarter of its time, work attributed
// to the site. Loaded only once the visitor has said yes (a click now or on an earlier visit),
// so the card's first paint carries none of it and fetches no kernel.
import { IdbStore } from '../../runtime/browser/idb-store.js';
import { BrowserWorkerFactory } from '../../runtime/browser/worker-factory.js';
import { HttpTransport } from '../../runtime/http-transport.js';
import type { WidgetNotice } from '../../app/i18n/widget-catalogues.js';
import type { Credentials } from '../../runtime/ports.js';
import { VolunteerRuntime, type RuntimeEvent } from '../../runtime/volunteer-runtime.js';

/** A visitor reading an article should not hear the fan: after each unit the thread rests
 * three times as long as the unit took. */
const CPU_PERCENT = 25;
const CREDIT_POLL_MS = 5000;
const MAX_PREFETCH = 4;

export interface RunnerStatus {
  running: boolean;
  units: number;
  /** Fraction done of the unit being computed, if one is. */
  progress: number | undefined;
  credit: number | undefined;
  problem: WidgetNotice | undefined;
}

export class WidgetRunner {
  private readonly transport: HttpTransport;
  private readonly runtime: VolunteerRuntime;
  private credentials: Credentials | undefined;
  private wanted = false;
  private pollTimer: ReturnType<typeof setInterval> | undefined;
  private status: RunnerStatus = {
    running: false,
    units: 0,
    progress: undefined,
    credit: undefined,
    problem: undefined,
  };

  constructor(
    server: string,
    site: string,
    private readonly onChange: (status: RunnerStatus) => void,
  ) {
    this.transport = new HttpTransport(server);
    this.runtime = new VolunteerRuntime({
      transport: this.transport,
      // One database per site key: where the card shares storage with our own volunteer page
      // (the demo embed on our origin), an identity made there would not credit the site.
      store: new IdbStore(`sparecycles-widget-${site}`),
      workers: new BrowserWorkerFactory(),
      threads: 1,
      cpuPercent: CPU_PERCENT,
      // The runtime's own sizing (about two seconds of computing), so short units are leased and
      // uploaded a few at a time rather than one request each; but a passing visitor, who may
      // never come back, holds at most a few units beyond the running one.
      maxPrefetch: MAX_PREFETCH,
      site,
    });
    this.runtime.on((event) => this.handle(event));
  }

  async start(): Promise<void> {
    this.wanted = true;
    this.update({ running: true, problem: undefined });
    try {
      await this.runtime.start();
      this.credentials = await this.runtime.identity();
    } catch (err) {
      this.wanted = false;
      this.update({
        running: false,
        problem: { key: 'widget.problem.startFailed', params: { message: (err as Error).message } },
      });
      throw err;
    }
    clearInterval(this.pollTimer);
    this.pollTimer = setInterval(() => void this.refreshCredit(), CREDIT_POLL_MS);
    void this.refreshCredit();
  }

  /** Stops at once: a running kernel is terminated, its unit stays buffered for next time. */
  async pause(): Promise<void> {
    this.wanted = false;
    clearInterval(this.pollTimer);
    this.update({ running: false, progress: undefined });
    await this.runtime.stop();
    await this.refreshCredit();
  }

  private handle(event: RuntimeEvent): void {
    switch (event.type) {
      case 'unit-progress':
        return this.update({ progress: event.fraction });
      case 'unit-computed':
        return this.update({ progress: undefined });
      case 'unit-done':
        // Stored after the next unit began, so the progress shown is that unit's: left alone.
        return this.update({
          units: this.runtime.stats.completed,
          problem: event.ok
            ? undefined
            : event.error
              ? { key: 'widget.problem.unitFailed', params: { error: event.error } }
              : { key: 'widget.problem.unitFailedUnknown' },
        });
      case 'unit-stopped':
        return this.update({ progress: undefined });
      case 'uploaded':
        // Credit follows on the next poll: asking after every upload would cost a request a unit.
        return this.update({ problem: undefined });
      case 'offline':
        return this.update({ problem: { key: 'widget.problem.offline' } });
      case 'error':
        return this.update({ problem: { key: 'widget.problem.other', params: { message: event.message } } });
      case 'state':
        // Stopped, yet not paused by us: the runtime gave up (the server refused our results).
        if (event.state === 'stopped' && this.wanted) {
          this.wanted = false;
          clearInterval(this.pollTimer);
          this.update({ running: false, progress: undefined });
        }
        return;
      default:
        return;
    }
  }

  private async refreshCredit(): Promise<void> {
    if (!this.credentials) return;
    try {
      const info = await this.transport.me(this.credentials);
      this.update({ credit: info.credit });
    } catch {
      // shown again on the next poll; the runtime reports connectivity problems itself
    }
  }

  private update(change: Partial<RunnerStatus>): void {
    this.status = { ...this.status, ...change };
    this.onChange(this.status);
  }
}
