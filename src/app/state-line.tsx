// One sentence saying what the page is doing right now, and why when a run policy decides it.
import type { SessionSnapshot } from './session-snapshot.js';

export function describeActivity(snapshot: SessionSnapshot): string {
  const running = snapshot.running.length;
  switch (snapshot.activity) {
    case 'ready':
      return snapshot.returning
        ? 'Not running: you paused on an earlier visit.'
        : 'Not running. Nothing has been downloaded or computed.';
    case 'starting':
      return 'Starting…';
    case 'running':
      return running === 0 ? 'Running.' : `Running ${running} ${running === 1 ? 'unit' : 'units'}.`;
    case 'waiting':
      return 'Waiting for work: no units are available right now; checking again shortly.';
    case 'paused':
      return 'Paused. Nothing is running.';
    case 'held':
      return `${snapshot.policyNote ?? 'Paused'}. It resumes by itself.`;
    case 'offline':
      return 'Offline: finished results are kept and will be sent when the server is back.';
    case 'elsewhere':
      return 'Spare Cycles is running in another tab. Take over to run it here instead.';
  }
}

export function StateLine({ snapshot }: { snapshot: SessionSnapshot }) {
  const { activity, policyNote } = snapshot;
  // A slowed (not paused) run says so beside what it is doing.
  const slowed = (activity === 'running' || activity === 'waiting') && policyNote;
  return (
    <p class={`state state-${activity}`} role="status" data-testid="state">
      <span class="state-dot" aria-hidden="true" />
      <span>
        {describeActivity(snapshot)}
        {slowed && ` ${policyNote}.`}
      </span>
    </p>
  );
}
