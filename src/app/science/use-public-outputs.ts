// Follows a project's public validated outputs (GET /projects/:id/outputs) in validation order,
// as the Mandelbrot picture does: each poll asks only for what came after the last `seq`.
// `parse` turns one {input, output} into the picture's datum, or undefined when it is not one.
import { useEffect, useState } from 'preact/hooks';
import { API_PREFIX } from '../../protocol/api.js';

export interface PublicOutputs<T> {
  items: T[];
  /** The first answer came. */
  loaded: boolean;
  /** No such public project, or its outputs are not of this kind: the picture hides itself. */
  absent: boolean;
  offline: boolean;
}

interface OutputsPage {
  outputs: { seq: number; input: unknown; output: unknown }[];
  next: number | null;
}

const POLL_MS = 2000;
const OFFLINE_POLL_MS = 5000;
const PAGE = 200;

export function usePublicOutputs<T>(
  project: string,
  parse: (input: unknown, output: unknown) => T | undefined,
): PublicOutputs<T> {
  const [state, setState] = useState<PublicOutputs<T>>({ items: [], loaded: false, absent: false, offline: false });

  useEffect(() => {
    const abort = new AbortController();
    let after = 0;
    let items: T[] = [];
    let timer: ReturnType<typeof setTimeout> | undefined;
    setState({ items: [], loaded: false, absent: false, offline: false });

    const fetchNew = async (): Promise<'ok' | 'absent'> => {
      const fresh: T[] = [];
      for (;;) {
        const url = `${API_PREFIX}/projects/${encodeURIComponent(project)}/outputs?after=${after}&limit=${PAGE}`;
        const response = await fetch(url, { signal: abort.signal });
        if ([401, 403, 404].includes(response.status)) return 'absent';
        if (!response.ok) throw new Error(`the server answered ${response.status}`);
        const page = (await response.json()) as OutputsPage;
        for (const output of page.outputs) {
          after = Math.max(after, output.seq);
          const item = parse(output.input, output.output);
          if (item !== undefined) fresh.push(item);
          else if (items.length === 0 && fresh.length === 0) return 'absent';
        }
        if (page.next === null) break;
      }
      if (fresh.length > 0) items = [...items, ...fresh];
      return 'ok';
    };

    const poll = async () => {
      let delay = POLL_MS;
      if (!document.hidden) {
        try {
          if ((await fetchNew()) === 'absent') {
            setState((old) => ({ ...old, loaded: true, absent: true }));
            return;
          }
          setState((old) =>
            old.items === items && old.loaded && !old.offline
              ? old
              : { items, loaded: true, absent: false, offline: false },
          );
        } catch {
          if (abort.signal.aborted) return;
          setState((old) => ({ ...old, offline: true }));
          delay = OFFLINE_POLL_MS;
        }
      }
      if (!abort.signal.aborted) timer = setTimeout(() => void poll(), delay);
    };

    void poll();
    return () => {
      abort.abort();
      clearTimeout(timer);
    };
    // `parse` is a module-level function in every caller; following it would refetch every render.
  }, [project]);

  return state;
}
