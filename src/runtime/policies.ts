// When the volunteer's machine should compute, decided from what the browser reports (sensor
// readings) and what the volunteer chose (run policies). Pure: the browser adapter
// (runtime/browser/sensors.ts) gathers the readings, the page acts on the decision.
//
// A decision either stops the work (pausing kills running kernels, so it is kept for things the
// volunteer asked for or must not suffer: a flat battery, a metered connection, their own use of
// the machine) or slows it. CPU pressure only slows it: the pressure is partly our own doing, and
// pausing on it would stop, lose a unit's progress, see the pressure drop, start again, and so on.

export type PressureState = 'nominal' | 'fair' | 'serious' | 'critical';

/** What the browser says about the machine and the volunteer. Unknown values are undefined. */
export interface SensorReadings {
  /** The page is not visible: another tab, a minimised window, a locked screen. */
  hidden: boolean;
  /** No keyboard, pointer or touch input on the page for a while. */
  userIdle: boolean;
  /** `level` from 0 to 1. Undefined where the browser has no Battery Status API. */
  battery?: { charging: boolean; level: number };
  /** The Compute Pressure API's CPU state; undefined where the API is missing. */
  pressure?: PressureState;
  /** The volunteer's connection asks sites to save data (navigator.connection.saveData). */
  saveData: boolean;
}

/** The Sensors port: readings now, and a call whenever one changes. */
export interface Sensors {
  readonly current: SensorReadings;
  subscribe(listener: (readings: SensorReadings) => void): () => void;
  /** Stops listening to the browser. */
  close(): void;
}

/** On battery: keep going, pause once the level is below `batteryFloor`, or pause at once. */
export type BatteryRule = 'ignore' | 'below-floor' | 'always';

export interface RunPolicies {
  /** Run only while the tab is hidden or the volunteer is away from it. */
  onlyWhenIdle: boolean;
  battery: BatteryRule;
  /** Percent of charge below which `below-floor` pauses. */
  batteryFloor: number;
  /** Slow down while the Compute Pressure API says the CPU is under serious or critical load. */
  backOffUnderPressure: boolean;
  /** Run even when the connection asks to save data (leases and results are small, kernels less so). */
  allowSaveData: boolean;
}

export const DEFAULT_POLICIES: Readonly<RunPolicies> = {
  onlyWhenIdle: false,
  battery: 'below-floor',
  batteryFloor: 20,
  backOffUnderPressure: true,
  allowSaveData: false,
};

export const MIN_BATTERY_FLOOR = 5;
export const MAX_BATTERY_FLOOR = 95;

/** How much of the volunteer's CPU share is kept under each pressure state. */
export const PRESSURE_SCALE: Readonly<Record<PressureState, number>> = {
  nominal: 1,
  fair: 1,
  serious: 0.5,
  critical: 0.25,
};

/**
 * Pressure rises at once but falls only after staying lower for this long. Backing off lowers
 * the pressure it reacted to; without the wait the share would flap every few seconds.
 */
export const PRESSURE_RELEASE_MS = 30_000;

const PRESSURE_RANK: Readonly<Record<PressureState, number>> = { nominal: 0, fair: 1, serious: 2, critical: 3 };

/** The pressure the policies act on, and since when the readings have been below it. */
export interface PressureTrack {
  applied: PressureState | undefined;
  lowerSince: number | undefined;
}

export function trackPressure(track: PressureTrack, reading: PressureState | undefined, now: number): PressureTrack {
  if (reading === undefined || track.applied === undefined || PRESSURE_RANK[reading] >= PRESSURE_RANK[track.applied]) {
    return { applied: reading, lowerSince: undefined };
  }
  const since = track.lowerSince ?? now;
  if (now - since >= PRESSURE_RELEASE_MS) return { applied: reading, lowerSince: undefined };
  return { applied: track.applied, lowerSince: since };
}

/**
 * Why a policy paused or slowed the run, as data: pages say it in their own language
 * (`reason` is the English sentence, for logs and the headless volunteer).
 */
export type PolicyNote =
  | { kind: 'save-data' }
  | { kind: 'battery'; percent: number }
  | { kind: 'battery-floor'; percent: number; floor: number }
  | { kind: 'not-idle' }
  | { kind: 'slowed'; percent: number };

export type PolicyDecision =
  | { run: false; reason: string; note: PolicyNote }
  /** `cpuScale` multiplies the volunteer's CPU share; `reason` says why when it is below 1. */
  | { run: true; cpuScale: number; reason?: string; note?: PolicyNote };

export function decide(policies: RunPolicies, readings: SensorReadings): PolicyDecision {
  if (readings.saveData && !policies.allowSaveData) {
    return { run: false, reason: 'Paused: your connection is set to save data', note: { kind: 'save-data' } };
  }
  const battery = readings.battery;
  if (battery && !battery.charging && policies.battery !== 'ignore') {
    const percent = Math.round(battery.level * 100);
    if (policies.battery === 'always') {
      return { run: false, reason: `Paused: on battery (${percent}%)`, note: { kind: 'battery', percent } };
    }
    if (percent < policies.batteryFloor) {
      const floor = policies.batteryFloor;
      return {
        run: false,
        reason: `Paused: on battery at ${percent}%, below ${floor}%`,
        note: { kind: 'battery-floor', percent, floor },
      };
    }
  }
  if (policies.onlyWhenIdle && !readings.hidden && !readings.userIdle) {
    return {
      run: false,
      reason: 'Paused: waiting until you switch away or leave this page idle',
      note: { kind: 'not-idle' },
    };
  }
  const scale = policies.backOffUnderPressure && readings.pressure ? PRESSURE_SCALE[readings.pressure] : 1;
  if (scale < 1) {
    const percent = Math.round(scale * 100);
    return {
      run: true,
      cpuScale: scale,
      reason: `Slowed to ${percent}% of your setting: your computer is busy`,
      note: { kind: 'slowed', percent },
    };
  }
  return { run: true, cpuScale: 1 };
}

/** The share actually used: the volunteer's, scaled by the decision, never below 1 %. */
export function effectiveCpuPercent(cpuPercent: number, decision: PolicyDecision): number {
  const scale = decision.run ? decision.cpuScale : 1;
  return Math.max(1, Math.round(cpuPercent * scale));
}

/** Stored or hand-edited policies, with anything missing or malformed replaced by its default. */
export function withDefaults(value: unknown): RunPolicies {
  const v = (typeof value === 'object' && value !== null ? value : {}) as Partial<Record<keyof RunPolicies, unknown>>;
  const flag = (key: 'onlyWhenIdle' | 'backOffUnderPressure' | 'allowSaveData') =>
    typeof v[key] === 'boolean' ? v[key] : DEFAULT_POLICIES[key];
  const floor = v.batteryFloor;
  return {
    onlyWhenIdle: flag('onlyWhenIdle'),
    battery:
      v.battery === 'ignore' || v.battery === 'always' || v.battery === 'below-floor' ? v.battery : 'below-floor',
    batteryFloor:
      typeof floor === 'number' && Number.isInteger(floor) && floor >= MIN_BATTERY_FLOOR && floor <= MAX_BATTERY_FLOOR
        ? floor
        : DEFAULT_POLICIES.batteryFloor,
    backOffUnderPressure: flag('backOffUnderPressure'),
    allowSaveData: flag('allowSaveData'),
  };
}
