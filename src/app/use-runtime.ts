// Binds the page to one VolunteerSession: re-renders on each snapshot, passes changed settings
// and policies on, and stops everything on unmount.
import { useEffect, useMemo, useState } from 'preact/hooks';
import type { RunPolicies } from '../runtime/policies.js';
import type { RunSettings, SessionSnapshot } from './session-snapshot.js';
import { VolunteerSession } from './volunteer-session.js';

export interface RuntimeBinding {
  snapshot: SessionSnapshot;
  session: VolunteerSession;
}

export function useRuntime(origin: string, settings: RunSettings, policies: RunPolicies): RuntimeBinding {
  // Constructing the session creates nothing else: adapters and sensors wait for the first start().
  // Later settings reach it through configure(), so it is made once per origin.
  const session = useMemo(() => new VolunteerSession(origin, settings, policies), [origin]);
  const [snapshot, setSnapshot] = useState(session.current);
  useEffect(() => {
    const unsubscribe = session.subscribe(setSnapshot);
    setSnapshot(session.current);
    return () => {
      unsubscribe();
      session.dispose();
    };
  }, [session]);
  useEffect(() => session.configure(settings), [session, settings]);
  useEffect(() => session.setPolicies(policies), [session, policies]);
  return { snapshot, session };
}
