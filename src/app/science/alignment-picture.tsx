// The alignment demo's picture: the distribution of every read's best score so far (reads from
// the genome score near the maximum, contaminants near chance) and the best hits with where they
// land on the reference. Plain SVG and a table.
import { useMemo } from 'preact/hooks';
import { useI18n } from '../i18n/app-i18n.js';
import { bestHits, scoreHistogram, toAlignmentUnit } from './alignment-data.js';
import { usePublicOutputs } from './use-public-outputs.js';

const BIN = 10;
const WIDTH = 600;
const HEIGHT = 160;
const AXIS = 18;
/** Below this a read's best score is what chance gives a 150-letter read against 2,000 letters. */
const MAPPED = 100;
const TOP = 8;

export function AlignmentPicture({ project, title }: { project: string; title: string }) {
  const { items, loaded, absent, offline } = usePublicOutputs(project, toAlignmentUnit);
  const hits = useMemo(() => bestHits(items), [items]);
  const bins = useMemo(() => scoreHistogram(hits, BIN), [hits]);
  const { t, number: count } = useI18n();
  if (!loaded || absent) return null;
  const peak = Math.max(1, ...bins.map((b) => b.count));
  const bar = WIDTH / Math.max(1, bins.length);
  const mapped = hits.filter((h) => h.score >= MAPPED).length;
  const top = [...hits].sort((a, b) => b.score - a.score || a.read - b.read).slice(0, TOP);
  const summary =
    hits.length === 0
      ? t('science.alignment.none')
      : t('science.alignment.summary', {
          units: count(items.length),
          reads: count(hits.length),
          found: count(mapped),
        });
  const maxScore = bins.length > 0 ? (bins.length - 1) * BIN : 0;
  return (
    <figure class="picture science-picture" data-testid="alignment-picture">
      {hits.length > 0 && (
        <svg
          class="science-histogram"
          viewBox={`0 0 ${WIDTH} ${HEIGHT + AXIS}`}
          role="img"
          aria-label={t('science.alignment.chart', { summary })}
        >
          {bins.map((b, i) =>
            b.count === 0 ? null : (
              <rect
                key={b.from}
                class={b.from >= MAPPED ? 'histogram-bar mapped' : 'histogram-bar'}
                x={i * bar + 1}
                width={Math.max(1, bar - 2)}
                y={HEIGHT - (b.count / peak) * (HEIGHT - 6)}
                height={(b.count / peak) * (HEIGHT - 6)}
              />
            ),
          )}
          <line class="histogram-axis" x1={0} x2={WIDTH} y1={HEIGHT + 0.5} y2={HEIGHT + 0.5} />
          <text class="histogram-label" x={0} y={HEIGHT + AXIS - 3}>
            {t('science.alignment.axisStart')}
          </text>
          <text class="histogram-label" x={(MAPPED / BIN) * bar} y={HEIGHT + AXIS - 3} text-anchor="middle">
            {MAPPED}
          </text>
          <text class="histogram-label" x={WIDTH} y={HEIGHT + AXIS - 3} text-anchor="end">
            {t('science.alignment.axisEnd', { score: maxScore })}
          </text>
        </svg>
      )}
      <figcaption class="picture-caption">
        <span class="picture-title">{title}</span>
        <span class="picture-progress" data-testid="alignment-progress">
          {summary}
          {offline && t('science.reconnecting')}
        </span>
        <span class="picture-note">{t('science.alignment.note', { score: maxScore })}</span>
      </figcaption>
      {top.length > 0 && (
        <table class="science-hits" data-testid="alignment-hits">
          <caption>{t('science.alignment.hits')}</caption>
          <thead>
            <tr>
              <th scope="col">{t('science.alignment.read')}</th>
              <th scope="col">{t('science.alignment.score')}</th>
              <th scope="col">{t('science.alignment.position')}</th>
            </tr>
          </thead>
          <tbody>
            {top.map((h) => (
              <tr key={h.read}>
                <td>{t('science.alignment.readNumber', { n: String(h.read + 1) })}</td>
                <td>{t('science.alignment.scoreOf', { score: h.score, max: 2 * h.readLength })}</td>
                <td>
                  {count(h.from)}–{count(h.to)}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </figure>
  );
}
