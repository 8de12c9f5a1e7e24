// What the volunteer has given so far: work done here, and what the server has validated.
import type { SessionSnapshot } from './volunteer-session.js';

const count = new Intl.NumberFormat(undefined, { maximumFractionDigits: 0 });
const credit = new Intl.NumberFormat(undefined, { maximumFractionDigits: 1 });

export function Stats({ snapshot }: { snapshot: SessionSnapshot }) {
  const { info, name } = snapshot;
  return (
    <section class="card" aria-labelledby="stats-title">
      <h2 id="stats-title">Your contribution</h2>
      <p class="who">
        {name ? (
          <>
            You are <strong data-testid="pseudonym">{name}</strong> on this server.
          </>
        ) : (
          'You get a random pseudonym when you start.'
        )}
      </p>
      <dl class="stats">
        <Stat label="Units done" testId="units-done" value={count.format(snapshot.completed)} />
        <Stat label="In flight" testId="units-in-flight" value={count.format(snapshot.running.length)} />
        <Stat label="Uploaded" testId="uploaded" value={count.format(snapshot.uploaded)} />
        <Stat label="Validated" testId="validated" value={count.format(info?.validated ?? 0)} />
        <Stat label="Credit" testId="credit" value={credit.format(info?.credit ?? 0)} />
      </dl>
      <p class="note">
        A result is validated, and credited, once another volunteer's copy of the same unit agrees with it.
        {info && info.pending > 0 && ` ${count.format(info.pending)} waiting for a second opinion.`}
        {snapshot.failed > 0 && ` ${count.format(snapshot.failed)} units failed here and were reported as errors.`}
      </p>
    </section>
  );
}

function Stat({ label, value, testId }: { label: string; value: string; testId: string }) {
  return (
    <div class="stat">
      <dt>{label}</dt>
      <dd data-testid={testId}>{value}</dd>
    </div>
  );
}
