// What the volunteer has given: work done in this browser (today and in all), the CPU time it
// took, what still waits for a second opinion, and what the server has confirmed and credited.
import type { SessionSnapshot } from './session-snapshot.js';
import { unitsToday } from './work-tally.js';

const count = new Intl.NumberFormat(undefined, { maximumFractionDigits: 0 });
const credit = new Intl.NumberFormat(undefined, { maximumFractionDigits: 1 });

export function Stats({ snapshot }: { snapshot: SessionSnapshot }) {
  const { info, tally, own } = snapshot;
  return (
    <dl class="stats">
      <Stat label="Units today" testId="units-today" value={count.format(unitsToday(tally, Date.now()))} />
      <Stat label="Units done" testId="units-done" value={count.format(tally.total)} />
      <Stat label="CPU time" testId="cpu-time" value={formatDuration(tally.cpuMs)} />
      <Stat label="Uploaded" testId="uploaded" value={count.format(snapshot.uploaded)} />
      <Stat label="Waiting for a second opinion" testId="waiting" value={count.format(own.waiting)} />
      {/* The server's count: only results it has validated are ever called confirmed. */}
      <Stat label="Confirmed" testId="validated" value={count.format(info?.validated ?? 0)} />
      <Stat label="Credit" testId="credit" value={credit.format(info?.credit ?? 0)} />
    </dl>
  );
}

/** "0.4 s", "42 s", "7 min 05 s", "3 h 12 min": precise when small, readable when large. */
export function formatDuration(ms: number): string {
  if (ms < 10_000) return `${(Math.floor(ms / 100) / 10).toFixed(1)} s`;
  const seconds = Math.floor(ms / 1000);
  if (seconds < 60) return `${seconds} s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes} min ${String(seconds % 60).padStart(2, '0')} s`;
  return `${Math.floor(minutes / 60)} h ${String(minutes % 60).padStart(2, '0')} min`;
}

function Stat({ label, value, testId }: { label: string; value: string; testId: string }) {
  return (
    <div class="stat">
      <dt>{label}</dt>
      <dd data-testid={testId}>{value}</dd>
    </div>
  );
}
