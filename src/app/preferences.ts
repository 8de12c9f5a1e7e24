// What the volunteer chose, kept in localStorage so the page can read it on load without
// opening IndexedDB (which it must not touch before a click). Remembered per origin.
import type { ConsentChoice } from '../runtime/browser/idb-store.js';
import { withDefaults, type RunPolicies } from '../runtime/policies.js';
import { MAX_CPU_PERCENT, MIN_CPU_PERCENT } from '../runtime/throttle.js';

/** Every key this app keeps starts with it, so "forget me" can find them all. */
export const KEY_PREFIX = 'sparecycles.';
const CONSENT_KEY = `${KEY_PREFIX}consent`;
const THREADS_KEY = `${KEY_PREFIX}threads`;
const CPU_KEY = `${KEY_PREFIX}cpuPercent`;
const POLICIES_KEY = `${KEY_PREFIX}policies`;
const PROJECTS_KEY = `${KEY_PREFIX}projects`;

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

export function readCpuPercent(): number {
  const value = Number(read(CPU_KEY) ?? NaN);
  return Number.isInteger(value) && value >= MIN_CPU_PERCENT && value <= MAX_CPU_PERCENT ? value : MAX_CPU_PERCENT;
}

export function writeCpuPercent(percent: number): void {
  write(CPU_KEY, String(percent));
}

export function readPolicies(): RunPolicies {
  return withDefaults(readJson(POLICIES_KEY));
}

export function writePolicies(policies: RunPolicies): void {
  write(POLICIES_KEY, JSON.stringify(policies));
}

/** The projects the volunteer chose; undefined means all of them, including ones added later. */
export function readProjects(): string[] | undefined {
  const value = readJson(PROJECTS_KEY);
  return Array.isArray(value) && value.every((id) => typeof id === 'string') ? value : undefined;
}

export function writeProjects(projects: string[] | undefined): void {
  if (projects === undefined) remove(PROJECTS_KEY);
  else write(PROJECTS_KEY, JSON.stringify(projects));
}

/** Removes every key this app wrote on this origin. */
export function forgetPreferences(): void {
  try {
    for (const key of Object.keys(localStorage)) if (key.startsWith(KEY_PREFIX)) localStorage.removeItem(key);
  } catch {
    // storage disabled: nothing was kept
  }
}

export function readJson(key: string): unknown {
  try {
    return JSON.parse(read(key) ?? 'null') as unknown;
  } catch {
    return undefined;
  }
}

// Storage can be disabled or full (private modes, quotas); the page then simply forgets.
function read(key: string): string | null {
  try {
    return localStorage.getItem(key);
  } catch {
    return null;
  }
}

function remove(key: string): void {
  try {
    localStorage.removeItem(key);
  } catch {
    // nothing to remove
  }
}

export function write(key: string, value: string): void {
  try {
    localStorage.setItem(key, value);
  } catch {
    // not remembered; the volunteer will be asked again next time
  }
}
