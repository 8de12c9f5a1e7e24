// What clicking Start will do, said before it is clicked, with the control that does it.
import { CpuControls } from './cpu-controls.js';
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
  return (
    <section class="card consent" aria-labelledby="consent-title">
      <h2 id="consent-title">What Start does</h2>
      <dl class="facts">
        <div>
          <dt>What runs</dt>
          <dd>
            Small WebAssembly science kernels (counting primes, drawing fractals) in background threads, so this page
            stays responsive. Kernels have no network, files or clock.
          </dd>
        </div>
        <div>
          <dt>For whom</dt>
          <dd>
            The projects you tick under “Projects you help”; each result goes back to the project that published it.
          </dd>
        </div>
        <div>
          <dt>How much</dt>
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
          <dt>How to stop</dt>
          <dd>
            Click Pause or close the tab: work stops within a second. It also pauses on a low battery (see “When to
            run”). Your choice is remembered: left running, it resumes when you come back.
          </dd>
        </div>
      </dl>
      <div class="controls">
        {activity === 'elsewhere' ? (
          <button type="button" class="button primary" onClick={onTakeOver}>
            Take over
          </button>
        ) : active ? (
          <button type="button" class="button secondary" onClick={onPause}>
            Pause
          </button>
        ) : (
          <button type="button" class="button primary" onClick={onStart}>
            {activity === 'paused' ? 'Resume' : 'Start'}
          </button>
        )}
        <StateLine snapshot={snapshot} />
      </div>
      <p class="note kept">
        <strong>What is kept:</strong> a random pseudonym, units in progress and your settings, in this browser; after
        Start, an offline copy of this page. No account, email or tracking. “Forget me” deletes it all.
      </p>
      {problem && (
        <p class="problem" role="alert">
          {problem}
        </p>
      )}
    </section>
  );
}
