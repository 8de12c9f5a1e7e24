// One sentence saying what the page is doing right now.
import type { SessionSnapshot } from './volunteer-session.js';

export function describeActivity(snapshot: SessionSnapshot): string {
  const running = snapshot.running.length;
  switch (snapshot.activity) {
    case 'ready':
      return 'Not running. Nothing has been downloaded or computed.';
    case 'starting':
      return 'Starting…';
    case 'running':
      return running === 0 ? 'Running.' : `Running ${running} ${running === 1 ? 'unit' : 'units'}.`;
    case 'waiting':
      return 'Waiting for work: no units are available right now; checking again shortly.';
    case 'paused':
      return 'Paused. Nothing is running.';
    case 'offline':
      return 'Offline: finished results are kept and will be sent when the server is back.';
  }
}

export function StateLine({ snapshot }: { snapshot: SessionSnapshot }) {
  return (
    <p class={`state state-${snapshot.activity}`} role="status" data-testid="state">
      <span class="state-dot" aria-hidden="true" />
      {describeActivity(snapshot)}
    </p>
  );
}
