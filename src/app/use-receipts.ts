// The volunteer's receipts, kept current: loaded once an identity is known in this session and
// topped up (only the new ones) whenever the server reports more credit.
import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import { fetchReceipts, mergeHeads, type ReceiptSet } from './receipts.js';
import type { Notice } from './notice.js';
import type { VolunteerSession } from './volunteer-session.js';

export interface ReceiptsView {
  receipts: ReceiptSet | undefined;
  /** Known after a load: this browser has never registered, so there is nothing to show. */
  noIdentity: boolean;
  error: Notice | undefined;
  loading: boolean;
  /** Loads (or tops up) now; resolves to the full set. Opens local storage: call it from a click. */
  load(): Promise<ReceiptSet | undefined>;
}

/** Credit moves with every upload while units run; a top-up every few seconds is plenty (each
 * one is a request and a render, which count against the volunteer's CPU share). */
const TOP_UP_DELAY_MS = 5000;

export function useReceipts(session: VolunteerSession, origin: string, hasIdentity: boolean, credit: number) {
  const [receipts, setReceipts] = useState<ReceiptSet | undefined>(undefined);
  const [noIdentity, setNoIdentity] = useState(false);
  const [error, setError] = useState<Notice | undefined>(undefined);
  const [loading, setLoading] = useState(false);
  const latest = useRef<ReceiptSet | undefined>(undefined);
  const inFlight = useRef<Promise<ReceiptSet | undefined> | undefined>(undefined);

  const load = useCallback((): Promise<ReceiptSet | undefined> => {
    inFlight.current ??= (async () => {
      // Only the first load shows as loading: a top-up in the background need not re-render twice.
      const first = latest.current === undefined;
      if (first) setLoading(true);
      try {
        const credentials = await session.identity();
        if (!credentials) {
          setNoIdentity(true);
          return undefined;
        }
        const known = latest.current;
        const after = known?.entries.at(-1)?.seq ?? 0;
        const fresh = await fetchReceipts(origin, credentials.secret, after);
        const merged = known
          ? {
              ...fresh,
              entries: [...known.entries, ...fresh.entries],
              treeHeads: mergeHeads(known.treeHeads, fresh.treeHeads),
            }
          : fresh;
        latest.current = merged;
        setReceipts(merged);
        setError(undefined);
        return merged;
      } catch (err) {
        setError({ key: 'volunteer.contribution.receiptsError', params: { message: (err as Error).message } });
        return latest.current;
      } finally {
        if (first) setLoading(false);
        inFlight.current = undefined;
      }
    })();
    return inFlight.current;
  }, [session, origin]);

  // A top-up already scheduled is left alone: restarting it on every change would starve it
  // while credit keeps arriving faster than the delay.
  const pending = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  useEffect(() => {
    if (!hasIdentity || pending.current !== undefined) return;
    pending.current = setTimeout(
      () => {
        pending.current = undefined;
        void load();
      },
      latest.current ? TOP_UP_DELAY_MS : 0,
    );
  }, [hasIdentity, credit, load]);
  useEffect(() => () => clearTimeout(pending.current), []);

  const view: ReceiptsView = { receipts, noIdentity, error, loading, load };
  return view;
}
