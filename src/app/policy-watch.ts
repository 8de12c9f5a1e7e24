// Keeps the run-policy decision current: browser sensors in, a decision out whenever it changes.
// Sensors are created only while the volunteer wants to run, so nothing is observed before Start.
import { BrowserSensors } from '../runtime/browser/sensors.js';
import {
  PRESSURE_RELEASE_MS,
  decide,
  trackPressure,
  type PolicyDecision,
  type PressureTrack,
  type RunPolicies,
} from '../runtime/policies.js';

/** A sensor that never answers must not keep Start waiting. */
const READY_TIMEOUT_MS = 1000;
const NO_OBJECTION: PolicyDecision = { run: true, cpuScale: 1 };

export class PolicyWatch {
  private sensors: BrowserSensors | undefined;
  private unsubscribe: (() => void) | undefined;
  private latest: PolicyDecision = NO_OBJECTION;
  private pressure: PressureTrack = { applied: undefined, lowerSince: undefined };
  /** Looks again when falling pressure has stayed low long enough: no new reading may come to prompt it. */
  private releaseTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    private policies: RunPolicies,
    private readonly onChange: (decision: PolicyDecision) => void,
  ) {}

  get decision(): PolicyDecision {
    return this.latest;
  }

  /** Starts watching (once); resolves when the first readings are in, so Start can honour them. */
  async start(): Promise<void> {
    if (!this.sensors) {
      const sensors = (this.sensors = new BrowserSensors());
      this.unsubscribe = sensors.subscribe(() => this.evaluate());
      this.evaluate();
    }
    const ready = this.sensors.ready;
    await Promise.race([ready, new Promise((resolve) => setTimeout(resolve, READY_TIMEOUT_MS))]);
  }

  stop(): void {
    clearTimeout(this.releaseTimer);
    this.pressure = { applied: undefined, lowerSince: undefined };
    this.unsubscribe?.();
    this.sensors?.close();
    this.sensors = undefined;
    this.latest = NO_OBJECTION;
  }

  setPolicies(policies: RunPolicies): void {
    this.policies = policies;
    if (this.sensors) this.evaluate();
  }

  private evaluate(): void {
    const readings = this.sensors!.current;
    this.pressure = trackPressure(this.pressure, readings.pressure, Date.now());
    clearTimeout(this.releaseTimer);
    if (this.pressure.lowerSince !== undefined) {
      const wait = this.pressure.lowerSince + PRESSURE_RELEASE_MS - Date.now();
      this.releaseTimer = setTimeout(() => this.sensors && this.evaluate(), Math.max(0, wait) + 50);
    }
    const next = decide(this.policies, { ...readings, pressure: this.pressure.applied });
    if (sameDecision(next, this.latest)) return;
    this.latest = next;
    this.onChange(next);
  }
}

function sameDecision(a: PolicyDecision, b: PolicyDecision): boolean {
  return a.run === b.run && a.reason === b.reason && (!a.run || !b.run || a.cpuScale === b.cpuScale);
}
