// What this browser has computed: units per day and in total, the CPU time given, and units per
// minute over the last half hour for the throughput chart. Kept in localStorage so the numbers
// survive reloads and show at once, before anything else is opened. The server only knows about
// validated results; this is what the volunteer's machine actually did.
import { KEY_PREFIX, readJson, write } from './preferences.js';

const TALLY_KEY = `${KEY_PREFIX}tally`;
const MINUTE_MS = 60_000;
/** The throughput chart's span. */
export const CHART_MINUTES = 30;
/** Older days are dropped: "today" is what the page shows, the rest only keeps the file bounded. */
const KEEP_DAYS = 62;

export interface WorkTally {
  /** Units finished successfully, ever, in this browser. */
  total: number;
  /** Thread time spent on units, successful or not, in milliseconds. */
  cpuMs: number;
  /** Units finished per local calendar day (`YYYY-MM-DD`). */
  days: Record<string, number>;
  /** Units finished per minute (minutes since the epoch), for the last CHART_MINUTES. */
  minutes: Record<string, number>;
}

export function emptyTally(): WorkTally {
  return { total: 0, cpuMs: 0, days: {}, minutes: {} };
}

/** The local calendar day of `at`, as the volunteer would name it. */
export function dayKey(at: number): string {
  const d = new Date(at);
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
}

/** The tally after one more unit; old days and minutes are pruned on the way. */
export function recordUnit(tally: WorkTally, unit: { ok: boolean; elapsedMs: number; at: number }): WorkTally {
  const cpuMs = tally.cpuMs + Math.max(0, unit.elapsedMs);
  if (!unit.ok) return { ...tally, cpuMs };
  const day = dayKey(unit.at);
  const minute = String(Math.floor(unit.at / MINUTE_MS));
  const days = keepNewest({ ...tally.days, [day]: (tally.days[day] ?? 0) + 1 }, KEEP_DAYS);
  const oldest = Math.floor(unit.at / MINUTE_MS) - CHART_MINUTES;
  const minutes = Object.fromEntries(
    Object.entries({ ...tally.minutes, [minute]: (tally.minutes[minute] ?? 0) + 1 }).filter(
      ([m]) => Number(m) > oldest,
    ),
  );
  return { total: tally.total + 1, cpuMs, days, minutes };
}

export function unitsToday(tally: WorkTally, now: number): number {
  return tally.days[dayKey(now)] ?? 0;
}

/** Units finished in each of the last CHART_MINUTES minutes, oldest first, the current minute last. */
export function perMinute(tally: WorkTally, now: number): number[] {
  const current = Math.floor(now / MINUTE_MS);
  return Array.from({ length: CHART_MINUTES }, (_, i) => tally.minutes[String(current - CHART_MINUTES + 1 + i)] ?? 0);
}

export function loadTally(): WorkTally {
  const value = readJson(TALLY_KEY) as Partial<WorkTally> | undefined | null;
  if (!value || typeof value !== 'object') return emptyTally();
  const count = (n: unknown) => (typeof n === 'number' && Number.isFinite(n) && n >= 0 ? n : 0);
  const counts = (r: unknown) =>
    Object.fromEntries(Object.entries(typeof r === 'object' && r ? r : {}).map(([k, n]) => [k, count(n)]));
  return {
    total: count(value.total),
    cpuMs: count(value.cpuMs),
    days: counts(value.days),
    minutes: counts(value.minutes),
  };
}

export function saveTally(tally: WorkTally): void {
  write(TALLY_KEY, JSON.stringify(tally));
}

function keepNewest(days: Record<string, number>, keep: number): Record<string, number> {
  const keys = Object.keys(days).sort();
  if (keys.length <= keep) return days;
  return Object.fromEntries(keys.slice(-keep).map((k) => [k, days[k] ?? 0]));
}
