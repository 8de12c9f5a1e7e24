// Binds the page to one VolunteerSession: re-renders on each snapshot, stops on unmount.
import { useEffect, useMemo, useState } from 'preact/hooks';
import { VolunteerSession, type SessionSnapshot } from './volunteer-session.js';

export interface RuntimeControls {
  snapshot: SessionSnapshot;
  start(threads: number): void;
  pause(): void;
}

export function useRuntime(origin: string): RuntimeControls {
  // Constructing the session creates nothing else: adapters wait for the first start().
  const session = useMemo(() => new VolunteerSession(origin), [origin]);
  const [snapshot, setSnapshot] = useState(session.current);
  useEffect(() => {
    const unsubscribe = session.subscribe(setSnapshot);
    return () => {
      unsubscribe();
      session.dispose();
    };
  }, [session]);
  // Stable across renders, so effects can depend on them without re-running on every snapshot.
  const controls = useMemo(
    () => ({ start: (threads: number) => void session.start(threads), pause: () => void session.pause() }),
    [session],
  );
  return { snapshot, ...controls };
}
