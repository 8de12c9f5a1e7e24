// What the volunteer chose, kept in localStorage so the page can read it on load without
// opening IndexedDB (which it must not touch before a click). Remembered per origin.
import type { ConsentChoice } from '../runtime/browser/idb-store.js';

const CONSENT_KEY = 'sparecycles.consent';
const THREADS_KEY = 'sparecycles.threads';

/** Logical cores, as the browser reports them (some hide the real number). */
export function availableCores(): number {
  const cores = globalThis.navigator?.hardwareConcurrency;
  return Number.isInteger(cores) && cores > 0 ? cores : 2;
}

/** Half the cores: enough to help, while the machine stays responsive and cool. */
export function defaultThreads(cores = availableCores()): number {
  return Math.max(1, Math.floor(cores / 2));
}

export function readConsent(): ConsentChoice | undefined {
  const value = read(CONSENT_KEY);
  return value === 'running' || value === 'paused' ? value : undefined;
}

export function writeConsent(choice: ConsentChoice): void {
  write(CONSENT_KEY, choice);
}

export function readThreads(cores = availableCores()): number {
  const value = Number(read(THREADS_KEY));
  return Number.isInteger(value) && value >= 1 && value <= cores ? value : defaultThreads(cores);
}

export function writeThreads(threads: number): void {
  write(THREADS_KEY, String(threads));
}

// Storage can be disabled or full (private modes, quotas); the page then simply forgets.
function read(key: string): string | null {
  try {
    return localStorage.getItem(key);
  } catch {
    return null;
  }
}

function write(key: string, value: string): void {
  try {
    localStorage.setItem(key, value);
  } catch {
    // not remembered; the volunteer will be asked again next time
  }
}
