// The Sensors port in a browser: page visibility, the volunteer's own input, the Battery Status
// API, the Compute Pressure API and the save-data hint. Every API but visibility is optional;
// one that is missing or refused simply leaves its reading undefined (or false), so the run
// policies that depend on it never pause anything.
//
// Created only after the volunteer clicks Start: nothing is observed before they choose to run.
import type { PressureState, SensorReadings, Sensors } from '../policies.js';

/** Without input for this long, the volunteer counts as away from the page. */
export const IDLE_AFTER_MS = 60_000;
/** How often the Compute Pressure API is asked to report, at most. */
const PRESSURE_SAMPLE_MS = 2000;
const INPUT_EVENTS = ['pointerdown', 'pointermove', 'keydown', 'wheel', 'touchstart', 'scroll'] as const;

// The parts of these APIs we use; TypeScript's DOM library does not declare all of them yet.
interface BatteryLike extends EventTarget {
  readonly charging: boolean;
  readonly level: number;
}
interface PressureRecordLike {
  readonly source: string;
  readonly state: PressureState;
}
interface PressureObserverLike {
  observe(source: 'cpu', options?: { sampleInterval?: number }): Promise<void>;
  disconnect(): void;
}
type PressureObserverClass = new (callback: (records: PressureRecordLike[]) => void) => PressureObserverLike;
interface ConnectionLike extends EventTarget {
  readonly saveData?: boolean;
}
interface NavigatorExtras {
  getBattery?: () => Promise<BatteryLike>;
  connection?: ConnectionLike;
}

export class BrowserSensors implements Sensors {
  private readings: SensorReadings;
  private readonly listeners = new Set<(readings: SensorReadings) => void>();
  private readonly undo: (() => void)[] = [];
  private lastInput = Date.now();
  private idleTimer: ReturnType<typeof setTimeout> | undefined;
  private closed = false;
  /** Resolves once the readings that arrive asynchronously (the battery) are in, or known absent. */
  readonly ready: Promise<void>;

  constructor(private readonly idleAfterMs = IDLE_AFTER_MS) {
    const nav = navigator as Navigator & NavigatorExtras;
    this.readings = { hidden: document.visibilityState === 'hidden', userIdle: false, saveData: false };
    this.listen(document, 'visibilitychange', () => this.update({ hidden: document.visibilityState === 'hidden' }));
    for (const type of INPUT_EVENTS) this.listen(window, type, () => this.sawInput(), { passive: true, capture: true });
    this.armIdleTimer(idleAfterMs);
    this.ready = this.watchBattery(nav);
    this.watchPressure();
    const connection = nav.connection;
    if (connection) {
      const read = () => this.update({ saveData: connection.saveData === true });
      read();
      this.listen(connection, 'change', read);
    }
  }

  get current(): SensorReadings {
    return this.readings;
  }

  subscribe(listener: (readings: SensorReadings) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  close(): void {
    this.closed = true;
    clearTimeout(this.idleTimer);
    for (const undo of this.undo.splice(0)) undo();
    this.listeners.clear();
  }

  private sawInput(): void {
    // Input arrives many times a second while the volunteer moves the mouse: only note the time;
    // the timer looks at it when it fires.
    this.lastInput = Date.now();
    if (this.readings.userIdle) {
      this.update({ userIdle: false });
      this.armIdleTimer(this.idleAfterMs);
    }
  }

  private armIdleTimer(ms: number): void {
    clearTimeout(this.idleTimer);
    this.idleTimer = setTimeout(() => {
      const quietFor = Date.now() - this.lastInput;
      if (quietFor >= this.idleAfterMs) this.update({ userIdle: true });
      else this.armIdleTimer(this.idleAfterMs - quietFor);
    }, ms);
  }

  private async watchBattery(nav: NavigatorExtras): Promise<void> {
    if (typeof nav.getBattery !== 'function') return;
    await nav.getBattery().then(
      (battery) => {
        if (this.closed) return;
        const read = () => this.update({ battery: { charging: battery.charging, level: battery.level } });
        read();
        this.listen(battery, 'chargingchange', read);
        this.listen(battery, 'levelchange', read);
      },
      () => {}, // refused by a permissions policy: no battery reading
    );
  }

  private watchPressure(): void {
    const Observer = (globalThis as { PressureObserver?: PressureObserverClass }).PressureObserver;
    if (typeof Observer !== 'function') return;
    const observer = new Observer((records) => {
      const last = records.filter((r) => r.source === 'cpu').at(-1);
      if (last) this.update({ pressure: last.state });
    });
    // Refused in frames without the compute-pressure permission, or where the platform has no source.
    observer.observe('cpu', { sampleInterval: PRESSURE_SAMPLE_MS }).catch(() => {});
    this.undo.push(() => observer.disconnect());
  }

  private listen(target: EventTarget, type: string, handler: () => void, options?: AddEventListenerOptions): void {
    target.addEventListener(type, handler, options);
    this.undo.push(() => target.removeEventListener(type, handler, options));
  }

  private update(change: Partial<SensorReadings>): void {
    const next = { ...this.readings, ...change };
    if (sameReadings(next, this.readings)) return;
    this.readings = next;
    for (const listener of this.listeners) listener(next);
  }
}

function sameReadings(a: SensorReadings, b: SensorReadings): boolean {
  return (
    a.hidden === b.hidden &&
    a.userIdle === b.userIdle &&
    a.saveData === b.saveData &&
    a.pressure === b.pressure &&
    a.battery?.charging === b.battery?.charging &&
    a.battery?.level === b.battery?.level
  );
}
