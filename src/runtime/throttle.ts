// CPU share as a duty cycle: after a unit that kept a thread busy for t ms, that thread rests
// t·(100/p − 1) ms, so over time it is busy p % of the wall clock. Resting between units (rather
// than pausing a kernel mid-run) costs nothing: kernels have no clock, so a unit is the smallest
// piece of work we can schedule, and stopping one part-way would throw its progress away.
//
// Pure apart from the clock it is given, so tests drive it with a fake one.

export const MIN_CPU_PERCENT = 1;
export const MAX_CPU_PERCENT = 100;

/** Time, as the throttle sees it. `sleep` resolves after `ms` or at once when `signal` aborts. */
export interface ThrottleClock {
  now(): number;
  sleep(ms: number, signal: AbortSignal): Promise<void>;
}

/** Throws a RangeError that names the option, as every runtime option check does. */
export function checkCpuPercent(percent: number): number {
  if (!Number.isInteger(percent) || percent < MIN_CPU_PERCENT || percent > MAX_CPU_PERCENT) {
    throw new RangeError(`cpuPercent must be an integer from ${MIN_CPU_PERCENT} to ${MAX_CPU_PERCENT}, got ${percent}`);
  }
  return percent;
}

/** The rest that follows `busyMs` of work at `percent` CPU. */
export function restAfter(busyMs: number, percent: number): number {
  if (!(busyMs > 0) || percent >= MAX_CPU_PERCENT) return 0;
  return busyMs * (MAX_CPU_PERCENT / percent - 1);
}

export class Throttle {
  private current: number;
  /** Aborted (and replaced) whenever the share changes, to wake threads that are resting. */
  private changed = new AbortController();

  constructor(
    percent: number,
    private readonly clock: ThrottleClock,
  ) {
    this.current = checkCpuPercent(percent);
  }

  get percent(): number {
    return this.current;
  }

  /**
   * Sets the share. Threads resting right now recompute their rest from the new share (and
   * the time they have already rested), so turning it up takes effect at once, not after a
   * rest sized for the old share.
   */
  set(percent: number): void {
    if (checkCpuPercent(percent) === this.current) return;
    this.current = percent;
    const wake = this.changed;
    this.changed = new AbortController();
    wake.abort();
  }

  /**
   * Rests after `busyMs` of work, less `restedMs` the unit already rested inside (a long unit is
   * duty-cycled from within); resolves early when `stop` aborts. Never rejects.
   */
  async rest(busyMs: number, stop: AbortSignal, restedMs = 0): Promise<void> {
    const started = this.clock.now() - restedMs;
    while (!stop.aborted) {
      const remaining = started + restAfter(busyMs, this.current) - this.clock.now();
      if (remaining <= 0) return;
      await this.clock.sleep(remaining, AbortSignal.any([stop, this.changed.signal]));
    }
  }
}
