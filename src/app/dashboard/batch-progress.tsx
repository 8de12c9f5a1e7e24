// One stacked bar for a batch's units in their five states, with a legend that carries the
// numbers. The bar is a picture of the legend, so to assistive technology it is one image whose
// label reads out every count; the legend is plain text anyway.
import type { UnitCounts, UnitState } from '../../protocol/api.js';

export const STATES: { state: UnitState; label: string }[] = [
  { state: 'done', label: 'Done' },
  { state: 'validating', label: 'Validating' },
  { state: 'inFlight', label: 'In flight' },
  { state: 'unsent', label: 'Unsent' },
  { state: 'error', label: 'Error' },
];

const count = new Intl.NumberFormat(undefined, { maximumFractionDigits: 0 });
const percent = new Intl.NumberFormat(undefined, { style: 'percent', maximumFractionDigits: 0 });

export function describeCounts(counts: UnitCounts, total: number): string {
  const parts = STATES.map(({ state, label }) => `${count.format(counts[state])} ${label.toLowerCase()}`);
  return `${count.format(total)} units: ${parts.join(', ')}`;
}

export function BatchProgress({ counts, total }: { counts: UnitCounts; total: number }) {
  const finished = counts.done + counts.error;
  return (
    <div class="batch-progress">
      <div class="stack-bar" role="img" aria-label={describeCounts(counts, total)} data-testid="progress-bar">
        {STATES.map(({ state }) =>
          counts[state] > 0 ? (
            <span
              key={state}
              class={`stack-segment state-${state}`}
              style={{ width: `${(100 * counts[state]) / Math.max(1, total)}%` }}
            />
          ) : null,
        )}
      </div>
      <ul class="stack-legend">
        {STATES.map(({ state, label }) => (
          <li key={state}>
            <span class={`swatch state-${state}`} aria-hidden="true" />
            {label} <strong data-count={state}>{count.format(counts[state])}</strong>
          </li>
        ))}
        <li class="stack-finished">{percent.format(total ? finished / total : 0)} finished</li>
      </ul>
    </div>
  );
}
