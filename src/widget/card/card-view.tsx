// The card a visitor sees inside the frame: who we are, what Start does, and while running,
// what is happening and how to stop it. No currency anywhere: units and credit only.
import { useEffect, useMemo, useState } from 'preact/hooks';
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
  const { phase, theme, problem } = state;
  return (
    <main class={`card theme-${theme}${phase === 'declined' ? ' compact' : ''}`} aria-labelledby="card-title">
      <header class="brand">
        <Logo />
        <h1 id="card-title">Spare Cycles</h1>
        <a class="details" href={home} target="_blank" rel="noopener">
          Details<span class="visually-hidden"> about Spare Cycles (opens in a new tab)</span>
        </a>
      </header>
      <Body state={state} controller={controller} />
      {problem && phase !== 'refused' && <p class="problem">{problem}</p>}
    </main>
  );
}

function Body({ state, controller }: { state: CardState; controller: CardController }) {
  const { phase, projects, units, progress, credit } = state;
  // Start counts only when the visitor could see the card (see visibility-guard.ts).
  const guard = useMemo(() => new VisibilityGuard(), []);
  const start = async () => {
    if (await guard.allows()) await controller.start();
    else controller.unseenClick();
  };
  switch (phase) {
    case 'checking':
      return <p class="muted">Loading…</p>;
    case 'refused':
      return <p>{state.reason}</p>;
    case 'declined':
      return (
        <p class="declined">
          You said no thanks.{' '}
          <button type="button" class="link" onClick={() => controller.reconsider()}>
            Change
          </button>
        </p>
      );
    case 'ready':
    case 'paused':
      return (
        <>
          <p>
            Lend this computer's idle time to science while you read: small jobs run in the background, on a quarter of
            one core, never on battery.
          </p>
          {projects.length > 0 && <p class="muted">Helps: {projects.slice(0, 3).join(', ')}</p>}
          <div class="actions">
            <button type="button" class="primary" ref={guard.observe} onClick={() => void start()}>
              Start
            </button>
            <button type="button" class="secondary" onClick={() => controller.decline()}>
              No thanks
            </button>
          </div>
        </>
      );
    default:
      return (
        <>
          <p class="status" role="status">
            <span class={`dot ${phase}`} aria-hidden="true" />
            {phase === 'starting' && 'Starting…'}
            {phase === 'battery' && 'Waiting: runs only while plugged in.'}
            {phase === 'running' && `Running · ${unitsText(units)}${credit !== undefined ? ` · ${credit} credit` : ''}`}
          </p>
          {phase === 'running' && (
            <progress max={1} value={progress ?? 0} aria-label="Progress of the current unit">
              {Math.round((progress ?? 0) * 100)}%
            </progress>
          )}
          {projects.length > 0 && <p class="muted">Helping: {projects.slice(0, 3).join(', ')}</p>}
          <p class="muted">Stops when you click Stop or leave the page.</p>
          <div class="actions">
            <button type="button" class="secondary" onClick={() => void controller.stop()}>
              Stop
            </button>
            <span class="muted">¼ of one core</span>
          </div>
        </>
      );
  }
}

function unitsText(units: number): string {
  return `${units} unit${units === 1 ? '' : 's'} done`;
}

/** The ring from our favicon: a cycle with a gap, not a coin. */
function Logo() {
  return (
    <svg class="logo" viewBox="0 0 32 32" width="22" height="22" aria-hidden="true">
      <circle cx="16" cy="16" r="12" fill="none" stroke="currentColor" stroke-width="5" stroke-dasharray="56 20" />
    </svg>
  );
}
