// One stacked bar for a batch's units in their five states, with a legend that carries the
// numbers. The bar is a picture of the legend, so to assistive technology it is one image whose
// label reads out every count; the legend is plain text anyway.
import type { UnitCounts, UnitState } from '../../protocol/api.js';
import type { AppKey } from '../i18n/app-catalogues.js';
import { useI18n, type AppI18n } from '../i18n/app-i18n.js';

export const STATES: { state: UnitState; label: AppKey }[] = [
  { state: 'done', label: 'dashboard.state.done' },
  { state: 'validating', label: 'dashboard.state.validating' },
  { state: 'inFlight', label: 'dashboard.state.inFlight' },
  { state: 'unsent', label: 'dashboard.state.unsent' },
  { state: 'error', label: 'dashboard.state.error' },
];

const COUNT = { maximumFractionDigits: 0 };

export function describeCounts(counts: UnitCounts, total: number, { t, number }: Pick<AppI18n, 't' | 'number'>) {
  const shown = (n: number) => number(n, COUNT);
  return t('dashboard.counts', {
    total: shown(total),
    done: shown(counts.done),
    validating: shown(counts.validating),
    inFlight: shown(counts.inFlight),
    unsent: shown(counts.unsent),
    error: shown(counts.error),
  });
}

export function BatchProgress({ counts, total }: { counts: UnitCounts; total: number }) {
  const i18n = useI18n();
  const { t, number } = i18n;
  const finished = counts.done + counts.error;
  return (
    <div class="batch-progress">
      <div class="stack-bar" role="img" aria-label={describeCounts(counts, total, i18n)} data-testid="progress-bar">
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
            {t(label)} <strong data-count={state}>{number(counts[state], COUNT)}</strong>
          </li>
        ))}
        <li class="stack-finished">
          {t('dashboard.finished', {
            percent: number(total ? finished / total : 0, { style: 'percent', maximumFractionDigits: 0 }),
          })}
        </li>
      </ul>
    </div>
  );
}
