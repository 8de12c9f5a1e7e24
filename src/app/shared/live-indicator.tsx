// Tells the reader whether the numbers on the page are moving by themselves right now.
import type { AppKey } from '../i18n/app-catalogues.js';
import { useI18n } from '../i18n/app-i18n.js';
import type { StreamStatus } from './use-event-stream.js';

const LABELS: Record<StreamStatus, AppKey> = {
  connecting: 'live.connecting',
  live: 'live.live',
  reconnecting: 'live.reconnecting',
};

export function LiveIndicator({ status }: { status: StreamStatus }) {
  const { t } = useI18n();
  return (
    <p class={`live live-${status}`} role="status" data-testid="live-status">
      <span class="live-dot" aria-hidden="true" />
      {t(LABELS[status])}
    </p>
  );
}
