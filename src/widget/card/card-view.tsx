// The card a visitor sees inside the frame: who we are, what Start does, and while running,
// what is happening and how to stop it. No currency anywhere: units and credit only.
import { useEffect, useMemo, useState } from 'preact/hooks';
import { LOCALE_NAMES, LOCALE_TAGS, LOCALES } from '../../app/i18n/locale.js';
import { useWidgetI18n } from '../../app/i18n/widget-i18n.js';
import type { CardController, CardState } from './card-controller.js';
import { VisibilityGuard } from './visibility-guard.js';

interface CardViewProps {
  controller: CardController;
  /** Our main page, for the Details link. */
  home: string;
}

export function CardView({ controller, home }: CardViewProps) {
  const [state, setState] = useState<CardState>(controller.state);
  useEffect(() => controller.subscribe(setState), [controller]);
  const { t } = useWidgetI18n();
  const frameTitle = t('widget.frameTitle');
  useEffect(() => controller.titled(frameTitle), [controller, frameTitle]);
  const { phase, theme, problem } = state;
  return (
    <main class={`card theme-${theme}${phase === 'declined' ? ' compact' : ''}`} aria-labelledby="card-title">
      <header class="brand">
        <Logo />
        <h1 id="card-title">Spare Cycles</h1>
        <LanguageToggle />
        <a class="details" href={home} target="_blank" rel="noopener">
          {t('widget.details')}
          <span class="visually-hidden">{t('widget.detailsHidden')}</span>
        </a>
      </header>
      <Body state={state} controller={controller} />
      {problem && phase !== 'refused' && <p class="problem">{t(problem.key, problem.params)}</p>}
    </main>
  );
}

/** The other language, named in itself (and marked with its lang): the card has no room for a menu. */
function LanguageToggle() {
  const { locale, setLocale } = useWidgetI18n();
  const next = LOCALES[(LOCALES.indexOf(locale) + 1) % LOCALES.length]!;
  return (
    <button type="button" class="link language" lang={LOCALE_TAGS[next]} onClick={() => setLocale(next)}>
      {LOCALE_NAMES[next]}
    </button>
  );
}

function Body({ state, controller }: { state: CardState; controller: CardController }) {
  const { phase, projects, units, progress, credit } = state;
  const { t, number } = useWidgetI18n();
  // Start counts only when the visitor could see the card (see visibility-guard.ts).
  const guard = useMemo(() => new VisibilityGuard(), []);
  const start = async () => {
    if (await guard.allows()) await controller.start();
    else controller.unseenClick();
  };
  const names = projects.slice(0, 3).join(', ');
  switch (phase) {
    case 'checking':
      return <p class="muted">{t('widget.loading')}</p>;
    case 'refused':
      return <p>{state.reason && t(state.reason)}</p>;
    case 'declined':
      return (
        <p class="declined">
          {t('widget.declined')}{' '}
          <button type="button" class="link" onClick={() => controller.reconsider()}>
            {t('widget.change')}
          </button>
        </p>
      );
    case 'ready':
    case 'paused':
      return (
        <>
          <p>{t('widget.pitch')}</p>
          {projects.length > 0 && <p class="muted">{t('widget.helps', { projects: names })}</p>}
          <div class="actions">
            <button type="button" class="primary" ref={guard.observe} onClick={() => void start()}>
              {t('widget.start')}
            </button>
            <button type="button" class="secondary" onClick={() => controller.decline()}>
              {t('widget.noThanks')}
            </button>
          </div>
        </>
      );
    default:
      return (
        <>
          <p class="status" role="status">
            <span class={`dot ${phase}`} aria-hidden="true" />
            {phase === 'starting' && t('widget.starting')}
            {phase === 'battery' && t('widget.battery')}
            {phase === 'running' &&
              (credit !== undefined
                ? t('widget.runningCredit', { units, credit: number(credit, { maximumFractionDigits: 1 }) })
                : t('widget.running', { units }))}
          </p>
          {phase === 'running' && (
            <progress max={1} value={progress ?? 0} aria-label={t('widget.progress')}>
              {number(progress ?? 0, { style: 'percent' })}
            </progress>
          )}
          {projects.length > 0 && <p class="muted">{t('widget.helping', { projects: names })}</p>}
          <p class="muted">{t('widget.stopsWhen')}</p>
          <div class="actions">
            <button type="button" class="secondary" onClick={() => void controller.stop()}>
              {t('widget.stop')}
            </button>
            <span class="muted">{t('widget.share')}</span>
          </div>
        </>
      );
  }
}

/** The ring from our favicon: a cycle with a gap, not a coin. */
function Logo() {
  return (
    <svg class="logo" viewBox="0 0 32 32" width="22" height="22" aria-hidden="true">
      <circle cx="16" cy="16" r="12" fill="none" stroke="currentColor" stroke-width="5" stroke-dasharray="56 20" />
    </svg>
  );
}
