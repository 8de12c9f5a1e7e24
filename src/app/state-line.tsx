// One sentence saying what the page is doing right now, and why when a run policy decides it.
import type { AppKey } from './i18n/app-catalogues.js';
import { useI18n } from './i18n/app-i18n.js';
import type { MessageParams } from './i18n/message-format.js';
import { holdNotice } from './notice.js';
import type { SessionSnapshot } from './session-snapshot.js';

type Translate = (key: AppKey, params?: MessageParams) => string;

export function describeActivity(snapshot: SessionSnapshot, t: Translate): string {
  const note = snapshot.policyNote && holdNotice(snapshot.policyNote);
  switch (snapshot.activity) {
    case 'ready':
      return t(snapshot.returning ? 'volunteer.state.readyReturning' : 'volunteer.state.ready');
    case 'starting':
      return t('volunteer.state.starting');
    case 'running':
      return t('volunteer.state.running', { count: snapshot.running.length });
    case 'waiting':
      return t('volunteer.state.waiting');
    case 'paused':
      return t('volunteer.state.paused');
    case 'held':
      return t('volunteer.state.held', { note: note ? t(note.key, note.params) : t('volunteer.state.heldPlain') });
    case 'offline':
      return t('volunteer.state.offline');
    case 'elsewhere':
      return t('volunteer.state.elsewhere');
  }
}

export function StateLine({ snapshot }: { snapshot: SessionSnapshot }) {
  const { t } = useI18n();
  const { activity, policyNote } = snapshot;
  // A slowed (not paused) run says so beside what it is doing.
  const slowed = (activity === 'running' || activity === 'waiting') && policyNote && holdNotice(policyNote);
  return (
    <p class={`state state-${activity}`} role="status" data-testid="state">
      <span class="state-dot" aria-hidden="true" />
      <span>
        {describeActivity(snapshot, t)}
        {slowed && t('volunteer.state.aside', { note: t(slowed.key, slowed.params) })}
      </span>
    </p>
  );
}
