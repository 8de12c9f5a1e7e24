// When the page computes: each run policy against the readings that should trip it, the reason
// the volunteer is shown, and the defaults a first visit gets.
import { describe, expect, it } from 'vitest';
import {
  DEFAULT_POLICIES,
  PRESSURE_RELEASE_MS,
  decide,
  effectiveCpuPercent,
  trackPressure,
  withDefaults,
  type PressureTrack,
  type RunPolicies,
  type SensorReadings,
} from '../../src/runtime/policies.js';

/** A machine on mains power, visible and in use, with no pressure and no data saving. */
const calm: SensorReadings = {
  hidden: false,
  userIdle: false,
  battery: { charging: true, level: 1 },
  pressure: 'nominal',
  saveData: false,
};

function policies(overrides: Partial<RunPolicies> = {}): RunPolicies {
  return { ...DEFAULT_POLICIES, ...overrides };
}

describe('decide', () => {
  it('runs at the full share when nothing stands in the way', () => {
    expect(decide(policies(), calm)).toEqual({ run: true, cpuScale: 1 });
  });

  it('runs when the browser reports none of the optional sensors', () => {
    const { battery: _b, pressure: _p, ...bare } = calm;
    expect(decide(policies(), bare)).toEqual({ run: true, cpuScale: 1 });
  });

  describe('battery', () => {
    it('by default pauses only when discharging below 20%', () => {
      expect(decide(policies(), { ...calm, battery: { charging: false, level: 0.5 } }).run).toBe(true);
      expect(decide(policies(), { ...calm, battery: { charging: false, level: 0.2 } }).run).toBe(true);
      expect(decide(policies(), { ...calm, battery: { charging: false, level: 0.19 } })).toEqual({
        run: false,
        reason: 'Paused: on battery at 19%, below 20%',
        note: { kind: 'battery-floor', percent: 19, floor: 20 },
      });
      // Low but plugged in: charging, so keep going.
      expect(decide(policies(), { ...calm, battery: { charging: true, level: 0.05 } }).run).toBe(true);
    });

    it('honours a chosen floor', () => {
      const p = policies({ batteryFloor: 50 });
      expect(decide(p, { ...calm, battery: { charging: false, level: 0.45 } }).run).toBe(false);
      expect(decide(p, { ...calm, battery: { charging: false, level: 0.55 } }).run).toBe(true);
    });

    it('can pause whenever unplugged, or never', () => {
      const unplugged = { ...calm, battery: { charging: false, level: 0.9 } };
      expect(decide(policies({ battery: 'always' }), unplugged)).toEqual({
        run: false,
        reason: 'Paused: on battery (90%)',
        note: { kind: 'battery', percent: 90 },
      });
      expect(
        decide(policies({ battery: 'ignore' }), { ...unplugged, battery: { charging: false, level: 0.01 } }).run,
      ).toBe(true);
    });
  });

  describe('only when idle', () => {
    it('is off by default', () => {
      expect(decide(policies(), calm).run).toBe(true);
    });

    it('pauses while the volunteer uses the visible page, and runs when hidden or idle', () => {
      const p = policies({ onlyWhenIdle: true });
      const busy = decide(p, calm);
      expect(busy.run).toBe(false);
      expect(busy.reason).toMatch(/^Paused: /);
      expect(busy.note).toEqual({ kind: 'not-idle' });
      expect(decide(p, { ...calm, hidden: true }).run).toBe(true);
      expect(decide(p, { ...calm, userIdle: true }).run).toBe(true);
    });
  });

  describe('compute pressure', () => {
    it('slows to half on serious and a quarter on critical, by default', () => {
      expect(decide(policies(), { ...calm, pressure: 'fair' })).toEqual({ run: true, cpuScale: 1 });
      const serious = decide(policies(), { ...calm, pressure: 'serious' });
      expect(serious).toMatchObject({ run: true, cpuScale: 0.5 });
      expect(serious.reason).toMatch(/busy/);
      expect(serious.note).toEqual({ kind: 'slowed', percent: 50 });
      expect(decide(policies(), { ...calm, pressure: 'critical' })).toMatchObject({ run: true, cpuScale: 0.25 });
    });

    it('is ignored when the volunteer turns it off', () => {
      expect(decide(policies({ backOffUnderPressure: false }), { ...calm, pressure: 'critical' })).toEqual({
        run: true,
        cpuScale: 1,
      });
    });
  });

  describe('save-data', () => {
    it('pauses on a save-data connection unless allowed', () => {
      expect(decide(policies(), { ...calm, saveData: true })).toEqual({
        run: false,
        reason: 'Paused: your connection is set to save data',
        note: { kind: 'save-data' },
      });
      expect(decide(policies({ allowSaveData: true }), { ...calm, saveData: true }).run).toBe(true);
    });
  });

  it('gives the first reason when several apply', () => {
    const all: SensorReadings = { ...calm, saveData: true, battery: { charging: false, level: 0.01 } };
    expect(decide(policies({ onlyWhenIdle: true }), all).reason).toMatch(/save data/);
    expect(decide(policies({ onlyWhenIdle: true, allowSaveData: true }), all).reason).toMatch(/battery/);
  });
});

describe('trackPressure', () => {
  const none: PressureTrack = { applied: undefined, lowerSince: undefined };

  it('takes rising pressure at once', () => {
    let track = trackPressure(none, 'fair', 0);
    expect(track.applied).toBe('fair');
    track = trackPressure(track, 'critical', 1000);
    expect(track).toEqual({ applied: 'critical', lowerSince: undefined });
  });

  it('lets pressure fall only after it has stayed lower for the release time', () => {
    let track = trackPressure(none, 'critical', 0);
    track = trackPressure(track, 'nominal', 10_000);
    expect(track).toEqual({ applied: 'critical', lowerSince: 10_000 });
    track = trackPressure(track, 'fair', 10_000 + PRESSURE_RELEASE_MS - 1);
    expect(track.applied).toBe('critical');
    track = trackPressure(track, 'fair', 10_000 + PRESSURE_RELEASE_MS);
    expect(track).toEqual({ applied: 'fair', lowerSince: undefined });
  });

  it('restarts the wait when pressure comes back up', () => {
    let track = trackPressure(none, 'serious', 0);
    track = trackPressure(track, 'nominal', 1000);
    track = trackPressure(track, 'serious', 20_000);
    expect(track).toEqual({ applied: 'serious', lowerSince: undefined });
    track = trackPressure(track, 'nominal', 40_000);
    expect(trackPressure(track, 'nominal', 40_000 + PRESSURE_RELEASE_MS - 1).applied).toBe('serious');
  });

  it('forgets pressure when the sensor goes away', () => {
    expect(trackPressure({ applied: 'critical', lowerSince: 5 }, undefined, 10)).toEqual(none);
  });
});

describe('effectiveCpuPercent', () => {
  it('scales the share and never goes below 1%', () => {
    expect(effectiveCpuPercent(80, { run: true, cpuScale: 0.5 })).toBe(40);
    expect(effectiveCpuPercent(2, { run: true, cpuScale: 0.25 })).toBe(1);
    expect(effectiveCpuPercent(70, { run: false, reason: 'x', note: { kind: 'save-data' } })).toBe(70);
  });
});

describe('withDefaults', () => {
  it('fills in what is missing and drops what is malformed', () => {
    expect(withDefaults(undefined)).toEqual(DEFAULT_POLICIES);
    expect(withDefaults('nonsense')).toEqual(DEFAULT_POLICIES);
    expect(withDefaults({ onlyWhenIdle: true, batteryFloor: 40, battery: 'always' })).toEqual({
      ...DEFAULT_POLICIES,
      onlyWhenIdle: true,
      batteryFloor: 40,
      battery: 'always',
    });
    expect(withDefaults({ onlyWhenIdle: 'yes', batteryFloor: 0, battery: 'sometimes' })).toEqual(DEFAULT_POLICIES);
  });
});
