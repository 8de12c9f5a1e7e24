// What clicking Start will do, said before it is clicked, with the control that does it.
import { StateLine } from './state-line.js';
import { ThreadPicker } from './thread-picker.js';
import type { SessionSnapshot } from './volunteer-session.js';

interface ConsentCardProps {
  snapshot: SessionSnapshot;
  threads: number;
  cores: number;
  onThreads(threads: number): void;
  onStart(): void;
  onPause(): void;
}

export function ConsentCard({ snapshot, threads, cores, onThreads, onStart, onPause }: ConsentCardProps) {
  const { activity, problem } = snapshot;
  const active = activity !== 'ready' && activity !== 'paused';
  return (
    <section class="card consent" aria-labelledby="consent-title">
      <h2 id="consent-title">What Start does</h2>
      <dl class="facts">
        <div>
          <dt>What runs</dt>
          <dd>
            Small WebAssembly science kernels, such as counting primes or drawing fractals, in background threads (Web
            Workers), so this page stays responsive. Kernels have no network, files or clock.
          </dd>
        </div>
        <div>
          <dt>For whom</dt>
          <dd>The projects listed below. Each result goes back to the project that published the work.</dd>
        </div>
        <div>
          <dt>How much</dt>
          <dd>
            <ThreadPicker threads={threads} cores={cores} onChange={onThreads} />
          </dd>
        </div>
        <div>
          <dt>What is kept</dt>
          <dd>
            A random pseudonym and the units in progress, in this browser's storage. No account, email or tracking.
          </dd>
        </div>
        <div>
          <dt>How to stop</dt>
          <dd>
            Click Pause or close the tab; work stops within a second. This site remembers your choice: if you leave it
            running, it resumes when you come back.
          </dd>
        </div>
      </dl>
      <div class="controls">
        {active ? (
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
      {problem && (
        <p class="problem" role="alert">
          {problem}
        </p>
      )}
    </section>
  );
}
