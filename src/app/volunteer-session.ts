// What the volunteer page runs: the runtime and its browser adapters, created only when the
// volunteer clicks Start, with the runtime's events folded into one snapshot the UI renders.
// Free of Preact so the page stays a thin view over it.
//
// Two things decide whether the runtime runs: the volunteer's choice (Start/Pause, remembered)
// and the run policies (battery, idle-only, save-data), which hold the work while they object
// and release it by themselves. Pausing for either stops kernels at once.
//
// One tab computes per browser profile: the runtime runs only while this tab holds the compute
// lock (TabLock). A tab that finds it taken shows that the work runs elsewhere, with Take over;
// a tab the lock is taken from stops at once and says the same.
import { sleep } from '../runtime/backoff.js';
import { effectiveCpuPercent, type PolicyDecision, type RunPolicies } from '../runtime/policies.js';
import type { Credentials } from '../runtime/ports.js';
import { TabLock, type TabEvent } from '../runtime/browser/tab-lock.js';
import type { RuntimeEvent, RuntimeState } from '../runtime/volunteer-runtime.js';
import { deleteLocalData, forgetServerRecord } from './forget-me.js';
import { InfoPoller, isUnreachable, type InfoOutcome } from './info-poller.js';
import { requestPersistentStorage } from './persist-storage.js';
import { PolicyWatch } from './policy-watch.js';
import { readConsent, writeConsent } from './preferences.js';
import { RuntimeHost } from './runtime-host.js';
import { SessionNotes } from './session-notes.js';
import { registerServiceWorker } from './service-worker.js';
import type { Activity, RunSettings, SessionSnapshot } from './session-snapshot.js';
import { WorkLog } from './work-log.js';
import type { HoldNote } from './notice.js';

const START_RETRY_MS = 5000;
/** Progress arrives up to ten times a second per thread; the page need not redraw that often. */
/**
 * Unit events (many a second with short units) reach the page at most this often: each render
 * costs the browser style, layout and paint, which counts against the CPU share the volunteer set.
 */
const PUBLISH_DELAY_MS = 1000;
const UNIT_EVENTS: ReadonlySet<RuntimeEvent['type']> = new Set([
  'unit-start',
  'unit-progress',
  'unit-computed',
  'unit-done',
  'uploaded',
]);
const NO_PROJECTS: HoldNote = { kind: 'no-projects' };

export class VolunteerSession {
  private snapshot!: SessionSnapshot;
  private readonly listeners = new Set<(snapshot: SessionSnapshot) => void>();
  private readonly host: RuntimeHost;
  private readonly work = new WorkLog();
  private readonly policy: PolicyWatch;
  private readonly poller: InfoPoller;
  private readonly returning = readConsent() !== undefined;
  private credentials: Credentials | undefined;
  private runtimeState: RuntimeState = 'stopped';
  /** The volunteer's choice: Start (true) or Pause (false). */
  private wanted = false;
  /** Another tab of this browser computes (holds the lock); this one waits for Take over. */
  private elsewhere = false;
  private readonly tabs = new TabLock((event) => this.tabEvent(event));
  /** The runtime is meant to run: wanted, and nothing holds it. */
  private active = false;
  private starting = false;
  private everStarted = false;
  private readonly notes = new SessionNotes();
  private startAttempt = new AbortController();
  /** Starts and stops run one after the other, so a quick Pause-Start cannot interleave them. */
  private queue: Promise<void> = Promise.resolve();
  private publishTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    private readonly origin: string,
    private settings: RunSettings,
    policies: RunPolicies,
  ) {
    this.host = new RuntimeHost(origin, (event) => this.handle(event));
    this.policy = new PolicyWatch(policies, (decision) => this.applyPolicy(decision));
    const source = () =>
      this.host.hasAdapters && this.credentials
        ? { transport: this.host.adapters.transport, credentials: this.credentials }
        : undefined;
    this.poller = new InfoPoller(source, (outcome) => this.infoArrived(outcome));
    // A volunteer who chose before hears whether another tab computes (a channel, not the lock).
    if (this.returning) this.tabs.listen();
    this.publish(true);
  }

  get current(): SessionSnapshot {
    return this.snapshot;
  }

  subscribe(listener: (snapshot: SessionSnapshot) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /**
   * The volunteer clicked Start (or chose it on an earlier visit), or Take over (`takeOver`): this
   * tab computes only if it gets the compute lock, which Take over takes from the tab holding it.
   */
  async start(takeOver = false): Promise<void> {
    this.wanted = true;
    this.everStarted = true;
    this.notes.problem = undefined;
    writeConsent('running');
    void registerServiceWorker();
    void requestPersistentStorage();
    this.publish(true);
    const mine = await this.tabs.acquire(takeOver);
    if (!this.wanted) {
      // Paused (or lost a takeover) while waiting for the lock.
      if (mine && !this.active) this.tabs.release();
      return this.queue;
    }
    this.elsewhere = !mine;
    if (!mine) {
      this.wanted = false;
      this.publish(true);
      return this.queue;
    }
    // The first readings (the battery's arrive asynchronously) decide whether to start at all.
    await this.policy.start();
    this.sync();
    return this.queue;
  }

  /** Stops at once: kernels are terminated now, and their units stay buffered for later. */
  pause(): Promise<void> {
    this.wanted = false;
    writeConsent('paused');
    this.policy.stop();
    this.sync();
    this.tabs.release();
    return this.queue;
  }

  /** Applies changed settings to the running work without losing units in progress where possible. */
  configure(settings: RunSettings): void {
    const threadsChanged = settings.threads !== this.settings.threads;
    this.settings = settings;
    this.host.runtime?.setCpuPercent(this.cpuPercent());
    this.host.runtime?.setProjects(this.projectFilter());
    // A running volunteer who turns the threads down (a warm laptop) should not have to pause first.
    if (threadsChanged && this.active) this.restart();
    this.sync();
  }

  setPolicies(policies: RunPolicies): void {
    this.policy.setPolicies(policies);
  }

  /** The credentials this browser registered, if any; opens local storage, so call it after a click. */
  async identity(): Promise<Credentials | undefined> {
    if (this.credentials) return this.credentials;
    this.credentials = await this.host.adapters.store.getCredentials();
    if (this.credentials) void this.poller.refresh();
    this.publish(true);
    return this.credentials;
  }

  /** Stops everything, has the server forget this volunteer, then deletes all local data. */
  async forget(): Promise<void> {
    this.wanted = false;
    this.policy.stop();
    this.sync();
    await this.queue;
    const credentials = await this.identity();
    if (credentials) await forgetServerRecord(this.origin, credentials);
    this.poller.stop();
    await this.host.close();
    this.tabs.close();
    this.credentials = undefined;
    this.work.forget();
    await deleteLocalData();
  }

  /** Stops everything when the page goes away for good. */
  dispose(): void {
    this.wanted = false;
    this.startAttempt.abort();
    this.policy.stop();
    void this.host.runtime?.stop();
    this.tabs.close();
    this.poller.stop();
    this.work.save();
    clearTimeout(this.publishTimer);
    this.listeners.clear();
  }

  /** Another tab took the lock from this one, computes, or stopped (or closed). */
  private tabEvent(event: TabEvent): void {
    if (event === 'free' && !this.elsewhere) return;
    // Free: nothing computes any more; this tab runs again when its volunteer says so.
    this.elsewhere = event !== 'free';
    if (event === 'lost') {
      // Taken over: stop at once, and leave the outbox to the tab that computes now.
      this.wanted = false;
      this.policy.stop();
      this.sync();
      void this.enqueue(() => this.host.retire());
    }
    this.publish(true);
  }

  private applyPolicy(decision: PolicyDecision): void {
    this.host.runtime?.setCpuPercent(effectiveCpuPercent(this.settings.cpuPercent, decision));
    this.sync();
  }

  private holdReason(): HoldNote | undefined {
    const decision = this.policy.decision;
    if (!decision.run) return decision.note;
    return this.settings.projects?.length === 0 ? NO_PROJECTS : undefined;
  }

  /** Starts or stops the runtime to match the volunteer's choice and the policies. */
  private sync(): void {
    const run = this.wanted && this.holdReason() === undefined;
    if (run && !this.active) {
      this.active = true;
      this.restart();
    } else if (!run && this.active) {
      this.active = false;
      this.starting = false;
      this.startAttempt.abort();
      // Terminating the workers happens synchronously inside stop(); the queued step only tidies up.
      void this.host.runtime?.stop();
      this.work.clear();
      void this.enqueue(async () => {
        await this.host.runtime?.stop();
        this.poller.stop();
        // Taken over by another tab: the volunteer's choice is still "running", and that tab says so.
        if (!this.elsewhere) this.host.mirrorChoice(this.wanted ? 'running' : 'paused', this.settings.threads);
        await this.poller.refresh();
      });
    }
    this.publish(true);
  }

  private restart(): void {
    this.starting = true;
    this.startAttempt.abort();
    this.startAttempt = new AbortController();
    const signal = this.startAttempt.signal;
    void this.enqueue(() => this.startNow(signal));
  }

  private enqueue(step: () => Promise<void>): Promise<void> {
    this.queue = this.queue.then(step).catch((err: unknown) => {
      this.notes.problem = { key: 'volunteer.problem.other', params: { message: (err as Error).message } };
      this.publish(true);
    });
    return this.queue;
  }

  private async startNow(signal: AbortSignal): Promise<void> {
    if (signal.aborted) return;
    const runtime = await this.host.runtimeFor({
      threads: this.settings.threads,
      cpuPercent: this.cpuPercent(),
      projects: this.projectFilter(),
    });
    this.work.clear();
    while (!signal.aborted) {
      try {
        await runtime.start();
        this.credentials = await runtime.identity();
        break;
      } catch (err) {
        this.notes.offline = isUnreachable(err);
        this.notes.problem = { key: 'volunteer.problem.startFailed', params: { message: (err as Error).message } };
        this.publish(true);
        await sleep(START_RETRY_MS, signal);
      }
    }
    // Pause (or a policy) may have stopped us while we were registering.
    if (signal.aborted || !this.active) {
      await runtime.stop();
      this.publish(true);
      return;
    }
    this.starting = false;
    this.host.mirrorChoice('running', this.settings.threads);
    this.poller.start();
    this.publish(true);
  }

  private cpuPercent(): number {
    return effectiveCpuPercent(this.settings.cpuPercent, this.policy.decision);
  }

  private projectFilter(): string[] | undefined {
    return this.settings.projects?.length ? this.settings.projects : undefined;
  }

  private handle(event: RuntimeEvent): void {
    this.work.note(event);
    this.notes.note(event);
    switch (event.type) {
      case 'state':
        this.runtimeState = event.state;
        if (event.state === 'stopped') {
          this.work.clear();
          // The runtime stopped on its own (the server refused our results): show it as paused.
          if (this.active && !this.starting) {
            this.wanted = false;
            this.active = false;
            this.policy.stop();
            this.poller.stop();
            this.tabs.release();
          }
        }
        break;
      case 'uploaded':
        void this.poller.refresh();
        break;
      default:
        break;
    }
    // Unit events can come many times a second: the page follows them a few times a second.
    this.publish(!UNIT_EVENTS.has(event.type));
  }

  private infoArrived(outcome: InfoOutcome): void {
    this.notes.infoArrived(outcome);
    this.publish(false);
  }

  private activity(): Activity {
    if (this.elsewhere && !this.wanted) return 'elsewhere';
    if (!this.wanted) return this.everStarted ? 'paused' : 'ready';
    if (this.holdReason()) return 'held';
    if (this.notes.offline) return 'offline';
    if (this.starting || !this.active) return 'starting';
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
    const decision = this.policy.decision;
    this.snapshot = {
      activity: this.activity(),
      returning: this.returning,
      ...this.host.totals,
      running: this.work.units,
      name: this.credentials?.name,
      hasIdentity: this.credentials !== undefined,
      info: this.poller.info,
      problem: this.notes.problem,
      policyNote: this.wanted ? (this.holdReason() ?? decision.note) : undefined,
      cpuPercent: this.cpuPercent(),
      tally: this.work.tally,
    };
    for (const listener of this.listeners) listener(this.snapshot);
  }
}
