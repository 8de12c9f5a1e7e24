// The page's one VolunteerRuntime and its browser adapters: created on first use (never before
// the volunteer clicks), replaced when the thread count changes, with totals carried across.
import { IdbStore, type ConsentChoice } from '../runtime/browser/idb-store.js';
import { BrowserWorkerFactory } from '../runtime/browser/worker-factory.js';
import { HttpTransport } from '../runtime/http-transport.js';
import { VolunteerRuntime, type RuntimeEvent, type RuntimeStats } from '../runtime/volunteer-runtime.js';

export interface Adapters {
  store: IdbStore;
  transport: HttpTransport;
  workers: BrowserWorkerFactory;
}

export interface RuntimeShape {
  threads: number;
  cpuPercent: number;
  projects: string[] | undefined;
}

export class RuntimeHost {
  private made: Adapters | undefined;
  private current: VolunteerRuntime | undefined;
  private threads = 0;
  private detach: (() => void) | undefined;
  private readonly carried = { completed: 0, failed: 0, uploaded: 0 };

  constructor(
    private readonly origin: string,
    private readonly onEvent: (event: RuntimeEvent) => void,
  ) {}

  /** The adapters, made now if need be: this opens nothing yet (the store opens on first use). */
  get adapters(): Adapters {
    return (this.made ??= {
      store: new IdbStore(),
      transport: new HttpTransport(this.origin),
      workers: new BrowserWorkerFactory(),
    });
  }

  get hasAdapters(): boolean {
    return this.made !== undefined;
  }

  get runtime(): VolunteerRuntime | undefined {
    return this.current;
  }

  /** Units done, failed and uploaded by every runtime this page has had. */
  get totals(): Omit<RuntimeStats, 'leased'> {
    const stats = this.current?.stats;
    return {
      completed: this.carried.completed + (stats?.completed ?? 0),
      failed: this.carried.failed + (stats?.failed ?? 0),
      uploaded: this.carried.uploaded + (stats?.uploaded ?? 0),
    };
  }

  /** The runtime for `shape`, replacing one made for another thread count. */
  async runtimeFor(shape: RuntimeShape): Promise<VolunteerRuntime> {
    if (this.current && this.threads !== shape.threads) await this.retire();
    if (!this.current) {
      this.current = new VolunteerRuntime({ ...this.adapters, ...shape });
      this.threads = shape.threads;
      this.detach = this.current.on(this.onEvent);
    }
    return this.current;
  }

  /** Service workers cannot read localStorage, so the choice is mirrored where they can. */
  mirrorChoice(consent: ConsentChoice, threads: number): void {
    const store = this.made?.store;
    if (!store) return;
    // Best effort: localStorage already holds what the page itself needs.
    void store.putSetting('consent', consent).catch(() => {});
    void store.putSetting('threads', threads).catch(() => {});
  }

  /** Closes the runtime and the store for good (before the local data is deleted). */
  async close(): Promise<void> {
    await this.retire();
    this.made?.store.close();
    this.made = undefined;
  }

  /** Closes the runtime (its outbox too), keeping the store and the totals; the next start makes another. */
  async retire(): Promise<void> {
    const old = this.current;
    if (!old) return;
    // close(), not stop(): two runtimes must not upload the same outbox side by side.
    await old.close();
    this.detach?.();
    this.carried.completed += old.stats.completed;
    this.carried.failed += old.stats.failed;
    this.carried.uploaded += old.stats.uploaded;
    this.current = undefined;
  }
}
