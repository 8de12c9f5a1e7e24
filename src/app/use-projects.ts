// The project list: the one request the page makes before the volunteer clicks Start, so they
// can see whom their computer would work for.
import { useEffect, useRef, useState } from 'preact/hooks';
import { API_PREFIX, type ProjectInfo } from '../protocol/api.js';
import type { Notice } from './notice.js';

export interface ProjectsView {
  projects: ProjectInfo[] | undefined;
  error: Notice | undefined;
}

/** However fast units finish, the list is fetched at most this often (each fetch that changes
 * it re-renders the page, which counts against the volunteer's CPU share). */
const MIN_GAP_MS = 10_000;

/**
 * Loads the projects now, again soon after `version` changes (the volunteer's own work moved
 * the counts), and every `refreshMs` when given (other volunteers move them too).
 */
export function useProjects(refreshMs: number | undefined, version: number): ProjectsView {
  const [view, setView] = useState<ProjectsView>({ projects: undefined, error: undefined });
  const lastFetch = useRef(-Infinity);
  const latest = useRef(0);
  const shown = useRef('');
  const unmounted = useRef(new AbortController());
  useEffect(() => () => unmounted.current.abort(), []);

  useEffect(() => {
    // A fetch in flight is never cancelled by a newer version: when units finish faster than
    // it answers, cancelling would starve the list. Only the newest answer is shown.
    const load = async () => {
      const ticket = ++latest.current;
      lastFetch.current = Date.now();
      const signal = unmounted.current.signal;
      try {
        const response = await fetch(`${API_PREFIX}/projects`, { signal });
        if (!response.ok) throw new Error(`the server answered ${response.status}`);
        const text = await response.text();
        // An unchanged list is not shown again: that would re-render the page for nothing.
        if (ticket !== latest.current) return;
        if (text === shown.current) {
          setView((old) => (old.error ? { ...old, error: undefined } : old));
          return;
        }
        shown.current = text;
        setView({ projects: (JSON.parse(text) as { projects: ProjectInfo[] }).projects, error: undefined });
      } catch (err) {
        if (signal.aborted || ticket !== latest.current) return;
        const error: Notice = { key: 'volunteer.projects.loadError', params: { message: (err as Error).message } };
        setView((old) => ({ projects: old.projects, error }));
      }
    };
    const soon = setTimeout(() => void load(), Math.max(0, lastFetch.current + MIN_GAP_MS - Date.now()));
    const timer = refreshMs === undefined ? undefined : setInterval(() => void load(), refreshMs);
    return () => {
      clearTimeout(soon);
      clearInterval(timer);
    };
  }, [refreshMs, version]);
  return view;
}
