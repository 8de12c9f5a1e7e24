// One tab computes at a time per browser profile. The tab that computes holds a Web Lock for as
// long as it runs; another tab that wants to run finds it taken (ifAvailable) and says so, or
// takes it over (steal), which makes the holder's request reject: it learns at once that it lost.
// A BroadcastChannel tells the other tabs promptly when a tab starts or stops holding, and a slow
// poll of navigator.locks.query() covers a holder that vanished without a word (a crash).
//
// Nothing here runs before the volunteer's consent: the page creates a TabLock, and touches the
// lock or the channel, only once Start is clicked or the remembered choice says "running".

export const COMPUTE_LOCK = 'sparecycles-compute';
const CHANNEL = 'sparecycles-tabs';
/** A tab that is being reloaded releases the lock as it unloads; a fresh page waits this long for it. */
const RETRY_DELAYS_MS = [150, 400, 600];
const POLL_MS = 2000;

/** lost: another tab took the lock from this one; elsewhere: another tab computes; free: no tab does. */
export type TabEvent = 'lost' | 'elsewhere' | 'free';

type Message = { type: 'acquired' | 'released' | 'hello'; tab: string };

export class TabLock {
  private readonly tab = Math.random().toString(36).slice(2);
  private channel: BroadcastChannel | undefined;
  /** The current hold: resolving `release` ends it; `id` tells a stale hold's rejection from this one's. */
  private hold: { id: number; release: () => void } | undefined;
  private holds = 0;
  private pending: Promise<boolean> | undefined;
  private usedLocks = false;
  private pollTimer: ReturnType<typeof setInterval> | undefined;
  private readonly onPageHide = (event: PageTransitionEvent) => {
    // Released now rather than when the document is torn down, so a reload of this tab finds it free.
    if (!event.persisted) this.release();
  };

  constructor(
    private readonly onEvent: (event: TabEvent) => void,
    private readonly name = COMPUTE_LOCK,
  ) {}

  /** True while this tab holds the lock (or the browser has no Web Locks, so every tab may run). */
  get held(): boolean {
    return this.hold !== undefined;
  }

  /** Starts hearing from the other tabs, and asks whether one of them computes right now. */
  listen(): void {
    if (this.channel || typeof BroadcastChannel === 'undefined') return;
    this.channel = new BroadcastChannel(`${CHANNEL}:${this.name}`);
    this.channel.onmessage = (event: MessageEvent<Message>) => this.heard(event.data);
    addEventListener('pagehide', this.onPageHide);
    this.post('hello');
  }

  /**
   * Takes the lock if it is free (or from whoever holds it, with `steal`); resolves whether this
   * tab now holds it. A lock taken by a tab that is only unloading is waited for briefly.
   */
  acquire(steal = false): Promise<boolean> {
    if (this.hold) return Promise.resolve(true);
    // A second Start while the first still asks must not find the lock taken by the first.
    if (this.pending && !steal) return this.pending;
    const attempt = this.attempt(steal).finally(() => {
      if (this.pending === attempt) this.pending = undefined;
    });
    this.pending = attempt;
    return attempt;
  }

  private async attempt(steal: boolean): Promise<boolean> {
    this.listen();
    const locks = globalThis.navigator?.locks;
    if (!locks) {
      this.hold = { id: ++this.holds, release: () => {} };
      return true;
    }
    this.usedLocks = true;
    for (let attempt = 0; ; attempt++) {
      if (await this.request(locks, steal)) break;
      if (attempt >= RETRY_DELAYS_MS.length) {
        this.startPolling();
        return false;
      }
      await new Promise((resolve) => setTimeout(resolve, RETRY_DELAYS_MS[attempt]));
      if (this.hold) return true;
    }
    this.stopPolling();
    this.post('acquired');
    return true;
  }

  /** Lets the lock go (pause, the runtime stopped, the page goes away). */
  release(): void {
    const hold = this.hold;
    if (!hold) return;
    this.hold = undefined;
    hold.release();
    this.post('released');
  }

  /** Releases the lock and stops listening, for good. */
  close(): void {
    this.release();
    this.stopPolling();
    this.channel?.close();
    this.channel = undefined;
    removeEventListener('pagehide', this.onPageHide);
  }

  private request(locks: LockManager, steal: boolean): Promise<boolean> {
    return new Promise<boolean>((resolve) => {
      const id = ++this.holds;
      const options: LockOptions = steal ? { steal: true } : { ifAvailable: true };
      locks
        .request(this.name, options, (lock) => {
          if (!lock) {
            resolve(false);
            return undefined;
          }
          // Held until release() resolves this promise, or until another tab steals the lock.
          return new Promise<void>((release) => {
            this.hold = { id, release };
            resolve(true);
          });
        })
        .catch(() => {
          // A steal rejects the holder's request (AbortError); a stale hold's rejection is ignored.
          resolve(false);
          if (this.hold?.id !== id) return;
          this.hold = undefined;
          this.startPolling();
          this.onEvent('lost');
        });
    });
  }

  private heard(message: Message): void {
    if (!message || message.tab === this.tab) return;
    if (message.type === 'hello') {
      if (this.hold) this.post('acquired');
    } else if (message.type === 'acquired') {
      // The holder learns of a steal from its lock request; this is for the tabs that wait.
      if (!this.hold) this.onEvent('elsewhere');
    } else if (!this.hold) {
      this.onEvent('free');
    }
  }

  /** While another tab holds the lock, looks now and then whether it still does. */
  private startPolling(): void {
    if (this.pollTimer || !this.usedLocks) return;
    this.pollTimer = setInterval(() => void this.poll(), POLL_MS);
  }

  private stopPolling(): void {
    clearInterval(this.pollTimer);
    this.pollTimer = undefined;
  }

  private async poll(): Promise<void> {
    if (this.hold) return this.stopPolling();
    const state = await navigator.locks.query().catch(() => undefined);
    if (!state || this.hold) return;
    if (!(state.held ?? []).some((lock) => lock.name === this.name)) {
      this.stopPolling();
      this.onEvent('free');
    }
  }

  private post(type: Message['type']): void {
    try {
      this.channel?.postMessage({ type, tab: this.tab } satisfies Message);
    } catch {
      // the channel closed with the page
    }
  }
}
