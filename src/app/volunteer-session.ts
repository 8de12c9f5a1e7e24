// What the volunteer page runs: the runtime and its browser adapters, created only when the
// volunteer clicks Start, with the runtime's events folded into one snapshot the UI renders.
// Free of Preact so the page stays a thin view over it.
import type { VolunteerInfo } from '../protocol/api.js';
import { sleep } from '../runtime/backoff.js';
import { IdbStore } from '../runtime/browser/idb-store.js';
import { BrowserWorkerFactory } from '../runtime/browser/worker-factory.js';
import { ServerError } from '../runtime/errors.js';
import { HttpTransport } from '../runtime/http-transport.js';
import type { Credentials } from '../runtime/ports.js';
import { VolunteerRuntime, type RuntimeEvent, type RuntimeState } from '../runtime/volunteer-runtime.js';
import { writeConsent } from './preferences.js';

export type Activity = 'ready' | 'starting' | 'running' | 'waiting' | 'paused' | 'offline';

export interface RunningUnit {
  lease: string;
  project: string;
  fraction: number;
  startedAt: number;
}

export interface SessionSnapshot {
  activity: Activity;
  completed: number;
  failed: number;
  uploaded: number;
  running: RunningUnit[];
  /** The volunteer's pseudonym, once registered. */
  name: string | undefined;
  /** Credit and validation counts as the server last reported them. */
  info: VolunteerInfo | undefined;
  /** The latest thing that went wrong, in words, until things go right again. */
  problem: string | undefined;
}

const INFO_POLL_MS = 2000;
const START_RETRY_MS = 5000;
/** Progress arrives up to ten times a second per thread; the page need not redraw that often. */
const PUBLISH_DELAY_MS = 100;

interface Adapters {
  store: IdbStore;
  transport: HttpTransport;
  workers: BrowserWorkerFactory;
}

export class VolunteerSession {
  private snapshot: SessionSnapshot = {
    activity: 'ready',
    completed: 0,
    failed: 0,
    uploaded: 0,
    running: [],
    name: undefined,
    info: undefined,
    problem: undefined,
  };
  private readonly listeners = new Set<(snapshot: SessionSnapshot) => void>();
  private adapters: Adapters | undefined;
  private runtime: VolunteerRuntime | undefined;
  private runtimeThreads = 0;
  private detach: (() => void) | undefined;
  private readonly carried = { completed: 0, failed: 0, uploaded: 0 };
  private readonly running = new Map<string, RunningUnit>();
  private credentials: Credentials | undefined;
  private runtimeState: RuntimeState = 'stopped';
  private wanted = false;
  private starting = false;
  private everStarted = false;
  private offline = false;
  private problem: string | undefined;
  private info: VolunteerInfo | undefined;
  private startAttempt = new AbortController();
  /** Start and pause run one after the other, so a quick Pause-Start cannot interleave them. */
  private queue: Promise<void> = Promise.resolve();
  private pollTimer: ReturnType<typeof setInterval> | undefined;
  private publishTimer: ReturnType<typeof setTimeout> | undefined;
  private refreshing = false;

  constructor(private readonly origin: string) {}

  get current(): SessionSnapshot {
    return this.snapshot;
  }

  subscribe(listener: (snapshot: SessionSnapshot) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** The volunteer clicked Start (or chose it on an earlier visit): run on `threads` threads. */
  start(threads: number): Promise<void> {
    this.wanted = true;
    this.everStarted = true;
    this.starting = true;
    this.problem = undefined;
    this.startAttempt = new AbortController();
    writeConsent('running');
    this.publish(true);
    return this.enqueue(() => this.startNow(threads, this.startAttempt.signal));
  }

  /** Stops at once: kernels are terminated now, and their units stay buffered for later. */
  pause(): Promise<void> {
    this.wanted = false;
    this.starting = false;
    this.startAttempt.abort();
    writeConsent('paused');
    // Terminating the workers happens synchronously inside stop(); the queued step only tidies up.
    void this.runtime?.stop();
    this.running.clear();
    this.publish(true);
    return this.enqueue(async () => {
      await this.runtime?.stop();
      this.stopPolling();
      this.mirrorChoice({ consent: 'paused' });
      await this.refreshInfo();
    });
  }

  /** Stops everything when the page goes away for good. */
  dispose(): void {
    this.wanted = false;
    this.startAttempt.abort();
    void this.runtime?.stop();
    this.stopPolling();
    clearTimeout(this.publishTimer);
    this.listeners.clear();
  }

  private enqueue(step: () => Promise<void>): Promise<void> {
    this.queue = this.queue.then(step).catch((err: unknown) => {
      this.problem = (err as Error).message;
      this.publish(true);
    });
    return this.queue;
  }

  private async startNow(threads: number, signal: AbortSignal): Promise<void> {
    if (signal.aborted) return;
    const adapters = (this.adapters ??= {
      store: new IdbStore(),
      transport: new HttpTransport(this.origin),
      workers: new BrowserWorkerFactory(),
    });
    if (this.runtime && this.runtimeThreads !== threads) await this.retireRuntime();
    const runtime = (this.runtime ??= this.createRuntime(adapters, threads));
    while (!signal.aborted) {
      try {
        await runtime.start();
        this.credentials = await runtime.identity();
        break;
      } catch (err) {
        this.offline = isUnreachable(err);
        this.problem = `Could not start: ${(err as Error).message}. Trying again shortly.`;
        this.publish(true);
        await sleep(START_RETRY_MS, signal);
      }
    }
    this.starting = false;
    // Pause may have been clicked while we were registering.
    if (signal.aborted || !this.wanted) {
      await runtime.stop();
      this.publish(true);
      return;
    }
    this.mirrorChoice({ consent: 'running', threads });
    this.startPolling();
    this.publish(true);
  }

  private createRuntime(adapters: Adapters, threads: number): VolunteerRuntime {
    const runtime = new VolunteerRuntime({ ...adapters, threads });
    this.runtimeThreads = threads;
    this.detach = runtime.on((event) => this.handle(event));
    return runtime;
  }

  /** Service workers cannot read localStorage, so the choice is mirrored where they can. */
  private mirrorChoice(choice: { consent: 'running' | 'paused'; threads?: number }): void {
    const store = this.adapters?.store;
    if (!store) return;
    // Best effort: localStorage already holds what the page itself needs.
    void store.putSetting('consent', choice.consent).catch(() => {});
    if (choice.threads !== undefined) void store.putSetting('threads', choice.threads).catch(() => {});
  }

  /** Replaces the runtime when the thread count changed, keeping the page's running totals. */
  private async retireRuntime(): Promise<void> {
    const old = this.runtime!;
    // close(), not stop(): two runtimes must not upload the same outbox side by side.
    await old.close();
    this.detach?.();
    this.carried.completed += old.stats.completed;
    this.carried.failed += old.stats.failed;
    this.carried.uploaded += old.stats.uploaded;
    this.runtime = undefined;
  }

  private handle(event: RuntimeEvent): void {
    switch (event.type) {
      case 'state':
        this.runtimeState = event.state;
        if (event.state === 'stopped') {
          this.running.clear();
          // The runtime stopped on its own (the server refused our results): show it as paused.
          if (this.wanted && !this.starting) {
            this.wanted = false;
            this.stopPolling();
          }
        }
        break;
      case 'unit-start':
        this.offline = false;
        this.running.set(event.lease.lease, {
          lease: event.lease.lease,
          project: event.lease.project,
          fraction: 0,
          startedAt: Date.now(),
        });
        break;
      case 'unit-progress': {
        const unit = this.running.get(event.lease);
        if (unit) this.running.set(event.lease, { ...unit, fraction: event.fraction });
        break;
      }
      case 'unit-stopped':
        this.running.delete(event.lease);
        break;
      case 'unit-done':
        this.running.delete(event.lease);
        if (!event.ok) this.problem = `A unit of ${event.project} failed: ${event.error ?? 'unknown error'}`;
        break;
      case 'uploaded':
        if (this.offline) this.problem = undefined;
        this.offline = false;
        void this.refreshInfo();
        break;
      case 'offline':
        this.offline = true;
        this.problem = `The server cannot be reached (${event.message}); results are kept and sent later.`;
        break;
      case 'error':
        this.problem = event.message;
        break;
    }
    this.publish(
      event.type === 'state' ||
        event.type === 'unit-done' ||
        event.type === 'unit-start' ||
        event.type === 'unit-stopped',
    );
  }

  private startPolling(): void {
    this.stopPolling();
    void this.refreshInfo();
    this.pollTimer = setInterval(() => void this.refreshInfo(), INFO_POLL_MS);
  }

  private stopPolling(): void {
    clearInterval(this.pollTimer);
    this.pollTimer = undefined;
  }

  private async refreshInfo(): Promise<void> {
    if (!this.credentials || !this.adapters || this.refreshing) return;
    this.refreshing = true;
    try {
      this.info = await this.adapters.transport.me(this.credentials);
      if (this.offline) this.problem = undefined;
      this.offline = false;
    } catch (err) {
      if (isUnreachable(err)) this.offline = true;
    } finally {
      this.refreshing = false;
    }
    this.publish(false);
  }

  private activity(): Activity {
    if (!this.wanted) return this.everStarted ? 'paused' : 'ready';
    if (this.offline) return 'offline';
    if (this.starting) return 'starting';
    return this.runtimeState === 'idle' ? 'waiting' : 'running';
  }

  /** Sends a fresh snapshot to the page: now, or batched with whatever follows shortly. */
  private publish(now: boolean): void {
    if (!now) {
      this.publishTimer ??= setTimeout(() => this.publish(true), PUBLISH_DELAY_MS);
      return;
    }
    clearTimeout(this.publishTimer);
    this.publishTimer = undefined;
    const stats = this.runtime?.stats;
    this.snapshot = {
      activity: this.activity(),
      completed: this.carried.completed + (stats?.completed ?? 0),
      failed: this.carried.failed + (stats?.failed ?? 0),
      uploaded: this.carried.uploaded + (stats?.uploaded ?? 0),
      running: [...this.running.values()],
      name: this.credentials?.name,
      info: this.info,
      problem: this.problem,
    };
    for (const listener of this.listeners) listener(this.snapshot);
  }
}

/** True for failures that mean "no network or server down", as opposed to a refusal. */
function isUnreachable(err: unknown): boolean {
  if (err instanceof ServerError) return err.status >= 500 || err.status === 408 || err.status === 429;
  return err instanceof TypeError;
}
