// Problems the fuzzer found, by kind. Examples are kept per class (route, status, kind of request)
// so that one noisy bug cannot hide another; notes are deviations from docs/API.md that the
// invariant does not cover: reported, not failed.
import { SEED } from './prng.js';
import type { Req } from './requests.js';

/** How many examples of each kind of problem a report shows. */
const EXAMPLES = 12;

const KINDS = [
  'fiveXX',
  'badErrorBody',
  'partialWrite',
  'acceptedInvalid',
  'refusedValid',
  'brokenResponse',
  'crash',
  'audit',
] as const;
export type ProblemKind = (typeof KINDS)[number];

/** Examples of each kind of problem: every test asserts its kinds are empty. */
export const problems = Object.fromEntries(KINDS.map((kind) => [kind, [] as string[]])) as Record<
  ProblemKind,
  string[]
>;
const problemCounts = new Map<ProblemKind, number>();
const problemClasses = new Map<string, number>();

export function problem(kind: ProblemKind, text: string, cls = text): void {
  problemCounts.set(kind, (problemCounts.get(kind) ?? 0) + 1);
  const key = `${kind} ${cls}`;
  const seen = problemClasses.get(key) ?? 0;
  problemClasses.set(key, seen + 1);
  if (seen === 0 && problems[kind].length < EXAMPLES) problems[kind].push(text);
}
/** The class of a problem with `req`: numbers and quoted strings in its kind do not count. */
export const classOf = (req: Req, status: number, extra = '') =>
  `${req.route} ${status} ${req.kind.replace(/\d+/g, 'N').replace(/"[^"]*"/g, '"…"')} ${extra}`;
/** How many problems of `kind` in how many classes, for an assertion's message. */
export const summary = (kind: ProblemKind) =>
  `seed ${SEED}: ${problemCounts.get(kind) ?? 0} in ${[...problemClasses.keys()].filter((k) => k.startsWith(`${kind} `)).length} classes`;
const notes = new Map<string, { count: number; examples: string[] }>();
export function note(kind: string, text: string): void {
  const entry = notes.get(kind) ?? { count: 0, examples: [] };
  entry.count++;
  if (entry.examples.length < 3) entry.examples.push(text);
  notes.set(kind, entry);
}

export function printNotes(): void {
  for (const [kind, entry] of notes) {
    console.log(`fuzz note (not failed): ${kind}: ${entry.count}×\n  ${entry.examples.join('\n  ')}`);
  }
}
