// Tells the reader whether the numbers on the page are moving by themselves right now.
import type { StreamStatus } from './use-event-stream.js';

const LABELS: Record<StreamStatus, string> = {
  connecting: 'Connecting…',
  live: 'Live',
  reconnecting: 'Reconnecting…',
};

export function LiveIndicator({ status }: { status: StreamStatus }) {
  return (
    <p class={`live live-${status}`} role="status" data-testid="live-status">
      <span class="live-dot" aria-hidden="true" />
      {LABELS[status]}
    </p>
  );
}
