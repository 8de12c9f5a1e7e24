// Who is trusted with what: BOINC's adaptive replication (1/CV rule) plus known-answer quiz
// units. Pure decisions; the store applies them.

/** Consecutive valid replicated results before a volunteer may be trusted alone. */
export const TRUST_MIN_STREAK = 10;
/** Share of a proven volunteer's units that are quizzes. */
export const QUIZ_RATE = 0.1;

export interface Standing {
  validStreak: number;
  quizPassed: number;
  quizFailed: number;
}

/** A volunteer that failed a quiz gets no more work and its results no longer count. */
export const isBlacklisted = (v: Standing) => v.quizFailed > 0;

/** Results count towards a quorum once the volunteer has passed a quiz (when the batch has any). */
export const isProven = (v: Standing, batchHasQuizzes: boolean) =>
  !isBlacklisted(v) && (!batchHasQuizzes || v.quizPassed > 0);

/**
 * BOINC's rule: with CV ≥ 10 consecutive valid results, trust the volunteer with probability
 * 1 − 1/CV, so a long clean record earns unreplicated units and every unit still risks a spot
 * check. Trust also needs a passed quiz where the batch has quizzes.
 */
export function rollTrust(v: Standing, batchHasQuizzes: boolean, random: () => number): boolean {
  if (!isProven(v, batchHasQuizzes) || v.validStreak < TRUST_MIN_STREAK) return false;
  return random() < 1 - 1 / v.validStreak;
}

/** How many of `max` units to make quizzes: one at once for an unproven volunteer. */
export function quizzesFor(v: Standing, max: number, holdsQuiz: boolean, random: () => number): number {
  if (v.quizPassed === 0) return holdsQuiz ? 0 : 1;
  let n = 0;
  for (let i = 0; i < max; i++) if (random() < QUIZ_RATE) n++;
  return n;
}
