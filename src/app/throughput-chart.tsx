// Units finished per minute over the last half hour, as a row of bars. Plain SVG: thirty
// rectangles do not need a charting library on the page every volunteer loads.
import { memo } from 'preact/compat';
import { useI18n } from './i18n/app-i18n.js';
import { CHART_MINUTES } from './work-tally.js';

const WIDTH = 300;
const HEIGHT = 60;
const GAP = 2;

/** Redrawn only when a bar changes: the page re-renders often while units finish. */
export const ThroughputChart = memo(
  ThroughputBars,
  (a, b) => a.perMinute.length === b.perMinute.length && a.perMinute.every((n, i) => n === b.perMinute[i]),
);

function ThroughputBars({ perMinute }: { perMinute: number[] }) {
  const peak = Math.max(0, ...perMinute);
  const scale = Math.max(1, peak);
  const latest = perMinute.at(-1) ?? 0;
  const total = perMinute.reduce((sum, n) => sum + n, 0);
  const bar = WIDTH / perMinute.length;
  const { t } = useI18n();
  const summary = t('volunteer.throughput.summary', { minutes: CHART_MINUTES, total, peak, latest });
  return (
    <figure class="throughput">
      <svg
        class="throughput-chart"
        viewBox={`0 0 ${WIDTH} ${HEIGHT}`}
        preserveAspectRatio="none"
        role="img"
        aria-label={summary}
        data-testid="throughput-chart"
      >
        <line class="throughput-axis" x1={0} y1={HEIGHT - 0.5} x2={WIDTH} y2={HEIGHT - 0.5} />
        {perMinute.map((n, i) =>
          n === 0 ? null : (
            <rect
              key={i}
              class="throughput-bar"
              x={i * bar + GAP / 2}
              width={bar - GAP}
              y={HEIGHT - (n / scale) * (HEIGHT - 4)}
              height={(n / scale) * (HEIGHT - 4)}
            />
          ),
        )}
      </svg>
      <figcaption class="throughput-caption">
        <span>{t('volunteer.throughput.since', { minutes: CHART_MINUTES })}</span>
        <span>{t('volunteer.throughput.caption', { peak, latest })}</span>
      </figcaption>
    </figure>
  );
}
