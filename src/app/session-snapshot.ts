// What the volunteer page renders: one immutable snapshot of the session, replaced on change.
import type { VolunteerInfo } from '../protocol/api.js';
import type { WorkTally } from './work-tally.js';
import type { HoldNote, Notice } from './notice.js';

/**
 * `held`: the volunteer chose to run, but a run policy (battery, idle-only, save-data) or an
 * empty project choice keeps the work paused for now; it resumes by itself.
 * `elsewhere`: another tab of this browser computes; this one offers to take over.
 */
export type Activity = 'ready' | 'starting' | 'running' | 'waiting' | 'paused' | 'held' | 'offline' | 'elsewhere';

/** What the volunteer set: how many threads, what share of them, for which projects. */
export interface RunSettings {
  threads: number;
  cpuPercent: number;
  /** Project ids to work for; undefined means all, including projects added later. */
  projects: string[] | undefined;
}

export interface RunningUnit {
  lease: string;
  project: string;
  fraction: number;
  startedAt: number;
}

export interface SessionSnapshot {
  activity: Activity;
  /** This browser chose Start or Pause on an earlier visit. */
  returning: boolean;
  completed: number;
  failed: number;
  uploaded: number;
  running: RunningUnit[];
  /** The volunteer's pseudonym, once registered. */
  name: string | undefined;
  /** Credentials are loaded in this session, so receipts can be fetched. */
  hasIdentity: boolean;
  /** Credit and validation counts as the server last reported them. */
  info: VolunteerInfo | undefined;
  /** The latest thing that went wrong, as a notice to say in the page's language, until things go right again. */
  problem: Notice | undefined;
  /** Why a run policy (or no chosen project) pauses or slows the work, said by the state line. */
  policyNote: HoldNote | undefined;
  /** The CPU share actually in use: the volunteer's, lowered under CPU pressure. */
  cpuPercent: number;
  /** What this browser has computed, across visits. */
  tally: WorkTally;
}

/** True while the volunteer wants the work to run (even if a policy holds it right now). */
export function wantsToRun(activity: Activity): boolean {
  return activity !== 'ready' && activity !== 'paused' && activity !== 'elsewhere';
}
