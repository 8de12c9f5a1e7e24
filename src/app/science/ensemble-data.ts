// Turns validated Lorenz-96 members into the ensemble chart's series: each member's distance from
// the control at every summary, and the spread envelope (lowest, median, highest) across members.
// Plain data in, arrays out, so the chart component only draws.

export interface EnsembleMember {
  member: number;
  /** Model time of each summary. */
  every: number;
  distance: number[];
}

/** One Lorenz-96 time unit is about five days of weather (Lorenz 1996). */
export const DAYS_PER_TIME_UNIT = 5;

const isCount = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v) && v >= 0;

/** A member from one `{input, output}` of the outputs route, or undefined when it is not one. */
export function toMember(input: unknown, output: unknown): (EnsembleMember & { dtMicro: number }) | undefined {
  if (typeof input !== 'object' || input === null || typeof output !== 'object' || output === null) return undefined;
  const { dtMicro } = input as Record<string, unknown>;
  const { member, every, distance } = output as Record<string, unknown>;
  if (![dtMicro, member, every].every(isCount) || !Array.isArray(distance)) return undefined;
  if (!distance.every((d) => typeof d === 'number' && Number.isFinite(d))) return undefined;
  return {
    member: member as number,
    every: every as number,
    distance: distance as number[],
    dtMicro: dtMicro as number,
  };
}

export interface EnsembleSeries {
  /** Days since the start, one per summary. */
  days: number[];
  members: number[][];
  low: number[];
  median: number[];
  high: number[];
}

/** Lines of `shown` members at most (the most recent), envelope over all of them; null without members. */
export function ensembleSeries(
  members: (EnsembleMember & { dtMicro: number })[],
  shown: number,
): EnsembleSeries | null {
  const first = members[0];
  if (!first) return null;
  const same = members.filter(
    (m) => m.every === first.every && m.dtMicro === first.dtMicro && m.distance.length === first.distance.length,
  );
  const samples = first.distance.length;
  const step = (first.every * first.dtMicro) / 1e6;
  const days = Array.from({ length: samples }, (_, s) => s * step * DAYS_PER_TIME_UNIT);
  const low: number[] = [];
  const median: number[] = [];
  const high: number[] = [];
  for (let s = 0; s < samples; s++) {
    const column = same.map((m) => m.distance[s]!).sort((a, b) => a - b);
    low.push(column[0]!);
    high.push(column[column.length - 1]!);
    const mid = column.length >> 1;
    median.push(column.length % 2 ? column[mid]! : (column[mid - 1]! + column[mid]!) / 2);
  }
  return { days, members: same.slice(-shown).map((m) => m.distance), low, median, high };
}

/** The first day the median distance passes `level`, or undefined. */
export function dayReaching(series: EnsembleSeries, level: number): number | undefined {
  const i = series.median.findIndex((d) => d >= level);
  return i < 0 ? undefined : series.days[i];
}

/** The same member of the same ensemble: the outputs route and the page's own results both give it. */
export const sameMember = (a: EnsembleMember & { dtMicro: number }, b: EnsembleMember & { dtMicro: number }) =>
  a.member === b.member && a.every === b.every && a.dtMicro === b.dtMicro;

/** One of this browser's own members, with what the server has said of it so far. */
export type OwnMember = EnsembleMember & { dtMicro: number; status: 'waiting' | 'confirmed' };

export interface OwnLines {
  /** Days since the start, one per summary: the validated series' when there is one. */
  days: number[];
  /** Own members still waiting for a second opinion, oldest first. */
  waiting: number[][];
  /** Own members the server confirmed that the public outputs do not hold yet: drawn as validated. */
  confirmed: number[][];
}

/**
 * This browser's own members beside the validated ones: waiting ones apart, confirmed ones only
 * while the public outputs lack them (so no member is drawn twice), rejected ones never.
 */
export function ownLines(validated: (EnsembleMember & { dtMicro: number })[], own: OwnMember[]): OwnLines | null {
  const first = validated[0] ?? own[0];
  if (!first) return null;
  const fits = (m: OwnMember) =>
    m.every === first.every && m.dtMicro === first.dtMicro && m.distance.length === first.distance.length;
  const step = (first.every * first.dtMicro) / 1e6;
  const days = Array.from({ length: first.distance.length }, (_, s) => s * step * DAYS_PER_TIME_UNIT);
  const unpublished = own.filter((m) => fits(m) && !validated.some((v) => sameMember(v, m)));
  return {
    days,
    waiting: unpublished.filter((m) => m.status === 'waiting').map((m) => m.distance),
    confirmed: unpublished.filter((m) => m.status === 'confirmed').map((m) => m.distance),
  };
}
