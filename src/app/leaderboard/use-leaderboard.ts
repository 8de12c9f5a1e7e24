// The public leaderboard, kept fresh: the project totals come over the event stream every second;
// the rankings are re-read every few seconds, and sooner when the totals say units were validated.
import { useEffect, useRef, useState } from 'preact/hooks';
import { API_PREFIX, type LeaderboardEntry, type ProjectInfo } from '../../protocol/api.js';
import { useEventStream, type StreamStatus } from '../shared/use-event-stream.js';
import type { Notice } from '../notice.js';

export interface SiteEntry {
  site: string;
  name: string;
  credit: number;
  volunteers: number;
}

export interface Leaderboard {
  volunteers: LeaderboardEntry[];
  sites: SiteEntry[];
}

export interface LeaderboardView {
  board: Leaderboard | undefined;
  projects: ProjectInfo[] | undefined;
  status: StreamStatus;
  problem: Notice | undefined;
}

const REFRESH_MS = 5000;
/** However fast units validate, the rankings are fetched at most this often. */
const MIN_GAP_MS = 1000;

export function useLeaderboard(): LeaderboardView {
  const [board, setBoard] = useState<Leaderboard>();
  const [projects, setProjects] = useState<ProjectInfo[]>();
  const [problem, setProblem] = useState<Notice>();
  const [validated, setValidated] = useState(0);
  const lastFetch = useRef(-Infinity);

  const status = useEventStream(`${API_PREFIX}/events`, {
    events: {
      projects: (data) => {
        const list = (data as { projects?: ProjectInfo[] }).projects;
        if (!Array.isArray(list)) return;
        setProjects(list);
        setValidated(list.reduce((sum, p) => sum + p.units.done, 0));
      },
    },
  });

  useEffect(() => {
    const abort = new AbortController();
    const load = async () => {
      lastFetch.current = Date.now();
      try {
        const response = await fetch(`${API_PREFIX}/leaderboard`, { signal: abort.signal });
        if (!response.ok) throw new Error(`the server answered ${response.status}`);
        setBoard((await response.json()) as Leaderboard);
        setProblem(undefined);
      } catch (err) {
        if (!abort.signal.aborted) {
          setProblem({ key: 'leaderboard.loadError', params: { message: (err as Error).message } });
        }
      }
    };
    // New validations (a change of `validated`) bring the next fetch forward.
    const soon = setTimeout(() => void load(), Math.max(0, lastFetch.current + MIN_GAP_MS - Date.now()));
    const timer = setInterval(() => void load(), REFRESH_MS);
    return () => {
      abort.abort();
      clearTimeout(soon);
      clearInterval(timer);
    };
  }, [validated]);

  return { board, projects, status, problem };
}
