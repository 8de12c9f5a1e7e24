// What clicking Start will do, said before it is clicked, with the control that does it.
import { CpuControls } from './cpu-controls.js';
import { useI18n } from './i18n/app-i18n.js';
import { wantsToRun, type RunSettings, type SessionSnapshot } from './session-snapshot.js';
import { StateLine } from './state-line.js';

interface ConsentCardProps {
  snapshot: SessionSnapshot;
  settings: RunSettings;
  cores: number;
  onSettings(change: Partial<RunSettings>): void;
  onStart(): void;
  onPause(): void;
  onTakeOver(): void;
}

export function ConsentCard({ snapshot, settings, cores, onSettings, onStart, onPause, onTakeOver }: ConsentCardProps) {
  const { activity, problem } = snapshot;
  const active = wantsToRun(activity);
  const { t } = useI18n();
  return (
    <section class="card consent" aria-labelledby="consent-title">
      <h2 id="consent-title">{t('volunteer.consent.title')}</h2>
      <dl class="facts">
        <div>
          <dt>{t('volunteer.consent.whatRuns')}</dt>
          <dd>{t('volunteer.consent.whatRunsText')}</dd>
        </div>
        <div>
          <dt>{t('volunteer.consent.forWhom')}</dt>
          <dd>{t('volunteer.consent.forWhomText')}</dd>
        </div>
        <div>
          <dt>{t('volunteer.consent.howMuch')}</dt>
          <dd>
            <CpuControls
              threads={settings.threads}
              cores={cores}
              cpuPercent={settings.cpuPercent}
              effectivePercent={active ? snapshot.cpuPercent : undefined}
              onThreads={(threads) => onSettings({ threads })}
              onCpuPercent={(cpuPercent) => onSettings({ cpuPercent })}
            />
          </dd>
        </div>
        <div>
          <dt>{t('volunteer.consent.howToStop')}</dt>
          <dd>{t('volunteer.consent.howToStopText')}</dd>
        </div>
      </dl>
      <div class="controls">
        {activity === 'elsewhere' ? (
          <button type="button" class="button primary" onClick={onTakeOver}>
            {t('volunteer.consent.takeOver')}
          </button>
        ) : active ? (
          <button type="button" class="button secondary" onClick={onPause}>
            {t('volunteer.consent.pause')}
          </button>
        ) : (
          <button type="button" class="button primary" onClick={onStart}>
            {t(activity === 'paused' ? 'volunteer.consent.resume' : 'volunteer.consent.start')}
          </button>
        )}
        <StateLine snapshot={snapshot} />
      </div>
      <p class="note kept">
        <strong>{t('volunteer.consent.keptLabel')}</strong> {t('volunteer.consent.keptText')}
      </p>
      {problem && (
        <p class="problem" role="alert">
          {t(problem.key, problem.params)}
        </p>
      )}
    </section>
  );
}
