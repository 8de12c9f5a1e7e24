// The CPU share: rests between units sized so a thread is busy p % of the time, cut short by
// stop, and recomputed when the volunteer moves the slider mid-rest. Driven by a fake clock:
// no test here waits on real time.
import { describe, expect, it } from 'vitest';
import { Throttle, checkCpuPercent, restAfter, type ThrottleClock } from '../../src/runtime/throttle.js';
import { VolunteerRuntime } from '../../src/runtime/volunteer-runtime.js';
import { FakeTransport } from '../helpers/fake-transport.js';
import { InlineWorkers } from '../helpers/inline-workers.js';
import { MemoryStore } from '../helpers/memory-store.js';

/** A clock that moves only when the test says so, and records every sleep it was asked for. */
class FakeClock implements ThrottleClock {
  time = 0;
  readonly sleeps: number[] = [];
  private waiting: { until: number; wake: () => void }[] = [];

  now(): number {
    return this.time;
  }

  sleep(ms: number, signal: AbortSignal): Promise<void> {
    this.sleeps.push(ms);
    return new Promise((resolve) => {
      if (signal.aborted) return resolve();
      const entry = { until: this.time + ms, wake: resolve };
      this.waiting.push(entry);
      signal.addEventListener('abort', () => resolve(), { once: true });
    });
  }

  /** Moves time on and wakes the sleepers whose time has come; lets their follow-ups run. */
  async advance(ms: number): Promise<void> {
    this.time += ms;
    const due = this.waiting.filter((w) => w.until <= this.time);
    this.waiting = this.waiting.filter((w) => w.until > this.time);
    for (const w of due) w.wake();
    await settle();
  }
}

/** Lets pending promise callbacks run. */
async function settle(): Promise<void> {
  for (let i = 0; i < 10; i++) await Promise.resolve();
}

/** Starts a rest and reports whether it has finished. */
function track(promise: Promise<void>): { done: boolean } {
  const state = { done: false };
  void promise.then(() => (state.done = true));
  return state;
}

describe('restAfter', () => {
  it('sizes the rest so the thread is busy p % of the time', () => {
    expect(restAfter(1000, 100)).toBe(0);
    expect(restAfter(1000, 50)).toBe(1000);
    expect(restAfter(1000, 25)).toBe(3000);
    expect(restAfter(1000, 1)).toBe(99_000);
    // busy / (busy + rest) is the share asked for
    const busy = 840;
    for (const p of [1, 10, 33, 75, 99]) expect(busy / (busy + restAfter(busy, p))).toBeCloseTo(p / 100, 10);
  });

  it('does not rest after a unit that took no time', () => {
    expect(restAfter(0, 10)).toBe(0);
    expect(restAfter(-5, 10)).toBe(0);
  });
});

describe('checkCpuPercent', () => {
  it('accepts whole percentages from 1 to 100 and names the option otherwise', () => {
    expect(checkCpuPercent(1)).toBe(1);
    expect(checkCpuPercent(100)).toBe(100);
    for (const bad of [0, 101, 50.5, Number.NaN, -1]) expect(() => checkCpuPercent(bad)).toThrow(/cpuPercent/);
  });
});

describe('Throttle', () => {
  it('does not sleep at all at 100 %', async () => {
    const clock = new FakeClock();
    const throttle = new Throttle(100, clock);
    await throttle.rest(5000, new AbortController().signal);
    expect(clock.sleeps).toEqual([]);
  });

  it('rests t·(100/p − 1) after a unit of t ms', async () => {
    const clock = new FakeClock();
    const throttle = new Throttle(20, clock);
    const rest = track(throttle.rest(500, new AbortController().signal));
    await settle();
    expect(clock.sleeps).toEqual([2000]);
    await clock.advance(1999);
    expect(rest.done).toBe(false);
    await clock.advance(1);
    expect(rest.done).toBe(true);
  });

  it('counts what a long unit already rested inside against the rest after it', async () => {
    const clock = new FakeClock();
    const throttle = new Throttle(25, clock);
    // 1000 ms of work owes 3000 ms of rest; 2400 were taken inside the unit.
    const rest = track(throttle.rest(1000, new AbortController().signal, 2400));
    await settle();
    expect(clock.sleeps).toEqual([600]);
    await clock.advance(600);
    expect(rest.done).toBe(true);
    // Rested it all inside: no gap at all.
    await throttle.rest(1000, new AbortController().signal, 3000);
    expect(clock.sleeps).toEqual([600]);
  });

  it('ends a rest at once when stopped', async () => {
    const clock = new FakeClock();
    const throttle = new Throttle(10, clock);
    const stop = new AbortController();
    const rest = track(throttle.rest(1000, stop.signal));
    await settle();
    expect(rest.done).toBe(false);
    stop.abort();
    await settle();
    expect(rest.done).toBe(true);
    expect(clock.time).toBe(0);
  });

  it('returns at once when already stopped', async () => {
    const clock = new FakeClock();
    const stop = new AbortController();
    stop.abort();
    await new Throttle(10, clock).rest(1000, stop.signal);
    expect(clock.sleeps).toEqual([]);
  });

  it('recomputes a rest in progress when the share changes', async () => {
    const clock = new FakeClock();
    const throttle = new Throttle(25, clock);
    const rest = track(throttle.rest(1000, new AbortController().signal));
    await settle();
    expect(clock.sleeps).toEqual([3000]);
    await clock.advance(400);
    // At 50 % the whole rest is 1000 ms, 400 of which have passed.
    throttle.set(50);
    await settle();
    expect(clock.sleeps).toEqual([3000, 600]);
    await clock.advance(600);
    expect(rest.done).toBe(true);
  });

  it('ends a rest when the share goes up past what was already rested', async () => {
    const clock = new FakeClock();
    const throttle = new Throttle(10, clock);
    const rest = track(throttle.rest(1000, new AbortController().signal));
    await clock.advance(2000);
    throttle.set(100);
    await settle();
    expect(rest.done).toBe(true);
    expect(throttle.percent).toBe(100);
  });

  it('applies a new share to the next rest', async () => {
    const clock = new FakeClock();
    const throttle = new Throttle(50, clock);
    throttle.set(80);
    void throttle.rest(800, new AbortController().signal);
    await settle();
    expect(clock.sleeps).toEqual([200]);
  });

  it('rejects a share out of range and keeps the old one', () => {
    const throttle = new Throttle(40, new FakeClock());
    expect(() => throttle.set(0)).toThrow(RangeError);
    expect(throttle.percent).toBe(40);
    expect(() => new Throttle(101, new FakeClock())).toThrow(/cpuPercent/);
  });
});

describe('VolunteerRuntime cpuPercent', () => {
  const ports = () => ({
    transport: new FakeTransport([], new Map()),
    store: new MemoryStore(),
    workers: new InlineWorkers(),
  });

  it('defaults to 100 and can be changed while it exists', () => {
    const runtime = new VolunteerRuntime({ ...ports(), threads: 1 });
    expect(runtime.cpuPercent).toBe(100);
    runtime.setCpuPercent(30);
    expect(runtime.cpuPercent).toBe(30);
    expect(() => runtime.setCpuPercent(0)).toThrow(/cpuPercent/);
  });

  it('rejects an out-of-range option up front, naming it', () => {
    expect(() => new VolunteerRuntime({ ...ports(), threads: 1, cpuPercent: 0 })).toThrow(/cpuPercent/);
    expect(() => new VolunteerRuntime({ ...ports(), threads: 1, cpuPercent: 150 })).toThrow(RangeError);
  });
});
