// What the volunteer has given: work done in this browser (today and in all), the CPU time it
// took, and what the server has validated and credited.
import type { AppKey } from './i18n/app-catalogues.js';
import { useI18n, type AppI18n } from './i18n/app-i18n.js';
import type { SessionSnapshot } from './session-snapshot.js';
import { unitsToday } from './work-tally.js';

const COUNT = { maximumFractionDigits: 0 };
const CREDIT = { maximumFractionDigits: 1 };

export function Stats({ snapshot }: { snapshot: SessionSnapshot }) {
  const i18n = useI18n();
  const { number } = i18n;
  const { info, tally } = snapshot;
  return (
    <dl class="stats">
      <Stat
        label="volunteer.stats.unitsToday"
        testId="units-today"
        value={number(unitsToday(tally, Date.now()), COUNT)}
      />
      <Stat label="volunteer.stats.unitsDone" testId="units-done" value={number(tally.total, COUNT)} />
      <Stat label="volunteer.stats.cpuTime" testId="cpu-time" value={formatDuration(tally.cpuMs, i18n)} />
      <Stat label="volunteer.stats.uploaded" testId="uploaded" value={number(snapshot.uploaded, COUNT)} />
      <Stat label="volunteer.stats.validated" testId="validated" value={number(info?.validated ?? 0, COUNT)} />
      <Stat label="volunteer.stats.credit" testId="credit" value={number(info?.credit ?? 0, CREDIT)} />
    </dl>
  );
}

/** "0.4 s", "42 s", "7 min 05 s", "3 h 12 min": precise when small, readable when large. */
export function formatDuration(ms: number, { t }: Pick<AppI18n, 't'>): string {
  if (ms < 10_000) return t('volunteer.duration.seconds', { s: (Math.floor(ms / 100) / 10).toFixed(1) });
  const seconds = Math.floor(ms / 1000);
  if (seconds < 60) return t('volunteer.duration.seconds', { s: String(seconds) });
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60)
    return t('volunteer.duration.minutes', { m: String(minutes), s: String(seconds % 60).padStart(2, '0') });
  return t('volunteer.duration.hours', {
    h: String(Math.floor(minutes / 60)),
    m: String(minutes % 60).padStart(2, '0'),
  });
}

function Stat({ label, value, testId }: { label: AppKey; value: string; testId: string }) {
  const { t } = useI18n();
  return (
    <div class="stat">
      <dt>{t(label)}</dt>
      <dd data-testid={testId}>{value}</dd>
    </div>
  );
}
