// Waits and random durations for the chaos test.

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
/** A random duration in [lo, hi). */
export const between = ([lo, hi]: [number, number]) => lo + Math.random() * (hi - lo);
