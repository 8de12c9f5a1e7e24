// The Lorenz-96 demo's picture: each validated ensemble member's distance from the control run
// over model days (log scale), with the spread envelope and median, growing as members validate.
// On the volunteer page this browser's own members are drawn the moment they finish, dashed
// until the server confirms them; the envelope and the count stay the server's validated ones.
// Drawn by uPlot, loaded only when this picture is shown (science-pictures.tsx).
import { useEffect, useMemo, useRef } from 'preact/hooks';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import { useI18n } from '../i18n/app-i18n.js';
import type { OwnResultsSource } from '../own-results.js';
import {
  dayReaching,
  ensembleSeries,
  ownLines,
  toMember,
  type EnsembleSeries,
  type OwnLines,
} from './ensemble-data.js';
import { useOwnMembers } from './use-own-members.js';
import { usePublicOutputs } from './use-public-outputs.js';

/** Member lines drawn (the most recent); the envelope covers every validated member. */
const SHOWN = 120;
/** Own members waiting for a second opinion drawn at once (the most recent). */
const OWN_SHOWN = 24;
const HEIGHT = 260;

function colour(name: string, fallback: string): string {
  return getComputedStyle(document.documentElement).getPropertyValue(name).trim() || fallback;
}

function rgba(hex: string, alpha: number): string {
  const m = /^#([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})$/i.exec(hex);
  return m ? `rgba(${parseInt(m[1]!, 16)}, ${parseInt(m[2]!, 16)}, ${parseInt(m[3]!, 16)}, ${alpha})` : hex;
}

/**
 * uPlot's columns: x, SHOWN validated member slots (own confirmed ones the public outputs lack
 * yet among them), OWN_SHOWN waiting slots (null until filled), then low, high and median, drawn
 * last so they lie on top. Log axis: no zeros.
 */
function columns(series: EnsembleSeries | null, own: OwnLines | null): uPlot.AlignedData {
  const days = series?.days ?? own?.days ?? [0];
  const positive = (values: number[]) => values.map((v) => (v > 0 ? v : null));
  const empty = days.map(() => null);
  const validated = [...(series?.members ?? []), ...(own?.confirmed ?? [])].slice(-SHOWN);
  const slots = (lines: number[][], length: number) =>
    Array.from({ length }, (_, i) => {
      const m = lines[i];
      return m ? positive(m) : empty;
    });
  return [
    days,
    ...slots(validated, SHOWN),
    ...slots((own?.waiting ?? []).slice(-OWN_SHOWN), OWN_SHOWN),
    series ? positive(series.low) : empty,
    series ? positive(series.high) : empty,
    series ? positive(series.median) : empty,
  ] as uPlot.AlignedData;
}

/** 100, 1, 0.01, then 1e-4, 1e-6: uPlot's default prints the small powers of ten as 0. */
function powerOfTen(value: number | null): string {
  // uPlot hands null for the splits its log-axis filter leaves unlabelled.
  if (value === null || !(value > 0)) return '';
  const e = Math.round(Math.log10(value));
  return e >= -2 ? String(10 ** e >= 1 ? 10 ** e : Number((10 ** e).toFixed(-e))) : `1e${e}`;
}

/** Every even power of ten in range (every power when the range is narrow): a calm grid over eight decades. */
function decadeSplits(_u: uPlot, _axis: number, min: number, max: number): number[] {
  const powers: number[] = [];
  if (!(min > 0) || !(max >= min)) return powers;
  for (let e = Math.ceil(Math.log10(min)); e <= Math.floor(Math.log10(max)); e++) powers.push(e);
  const even = powers.filter((e) => e % 2 === 0);
  return (even.length >= 2 ? even : powers).map((e) => 10 ** e);
}

/** What the chart writes, in the page's language. */
interface ChartWords {
  days: string;
  distance: string;
  lowest: string;
  highest: string;
  median: string;
}

function options(width: number, words: ChartWords): uPlot.Options {
  const accent = colour('--accent', '#1d5c4f');
  const muted = colour('--muted', '#4f5c56');
  const line = colour('--line', '#dde3dd');
  const warm = '#c2541b';
  const waiting = colour('--own-waiting', '#6a4c93');
  const axis = { stroke: muted, grid: { stroke: line, width: 1 }, ticks: { stroke: line, width: 1 } };
  return {
    width,
    height: HEIGHT,
    legend: { show: false },
    cursor: { show: false },
    scales: { x: { time: false }, y: { distr: 3 } },
    axes: [
      { ...axis, label: words.days, labelSize: 20 },
      {
        ...axis,
        size: 56,
        label: words.distance,
        labelSize: 20,
        splits: decadeSplits,
        // Label every split given: uPlot's log-axis filter would leave every other one blank.
        filter: (_u, splits) => splits,
        values: (_u, splits) => splits.map((v) => powerOfTen(v as number | null)),
      },
    ],
    bands: [{ series: [SHOWN + OWN_SHOWN + 2, SHOWN + OWN_SHOWN + 1], fill: rgba(accent, 0.14) }],
    series: [
      {},
      ...Array.from({ length: SHOWN }, () => ({ stroke: rgba(accent, 0.22), width: 1, points: { show: false } })),
      ...Array.from({ length: OWN_SHOWN }, () => ({
        stroke: rgba(waiting, 0.8),
        width: 1.5,
        dash: [6, 4],
        points: { show: false },
      })),
      { label: words.lowest, stroke: rgba(accent, 0.55), width: 1, points: { show: false } },
      { label: words.highest, stroke: rgba(accent, 0.55), width: 1, points: { show: false } },
      { label: words.median, stroke: warm, width: 2.5, points: { show: false } },
    ],
  };
}

interface EnsemblePictureProps {
  project: string;
  title: string;
  /** This browser's own results (the volunteer page): drawn at once, dashed until confirmed. */
  own?: OwnResultsSource;
}

export function EnsemblePicture({ project, title, own }: EnsemblePictureProps) {
  const { items, loaded, absent, offline } = usePublicOutputs(project, toMember);
  const mine = useOwnMembers(project, own);
  const series = useMemo(() => ensembleSeries(items, SHOWN), [items]);
  const lines = useMemo(() => ownLines(items, mine), [items, mine]);
  const box = useRef<HTMLDivElement>(null);
  const chart = useRef<uPlot | undefined>(undefined);
  const data = useMemo(() => columns(series, lines), [series, lines]);
  const latest = useRef(data);
  latest.current = data;
  const visible = loaded && !absent;
  const { t, number: count, locale } = useI18n();
  const words = useRef<ChartWords>({ days: '', distance: '', lowest: '', highest: '', median: '' });
  words.current = {
    days: t('science.ensemble.days'),
    distance: t('science.ensemble.distance'),
    lowest: t('science.ensemble.lowest'),
    highest: t('science.ensemble.highest'),
    median: t('science.ensemble.median'),
  };

  useEffect(() => {
    const element = box.current;
    if (!element || !visible) return undefined;
    const plot = new uPlot(options(Math.max(240, element.clientWidth), words.current), latest.current, element);
    chart.current = plot;
    const resize = new ResizeObserver(() =>
      plot.setSize({ width: Math.max(240, element.clientWidth), height: HEIGHT }),
    );
    resize.observe(element);
    return () => {
      resize.disconnect();
      plot.destroy();
      chart.current = undefined;
    };
    // Made anew in another language: uPlot reads its labels once.
  }, [visible, locale]);

  useEffect(() => {
    chart.current?.setData(data);
  }, [data]);

  if (!visible) return null;
  const members = items.length;
  const start = series?.median[0];
  const end = series?.median.at(-1);
  // Two unrelated Lorenz-96 states lie about as far apart as the ensemble ends up: half of that is
  // where a forecast has lost most of what it knew of the start.
  const lost = series && end !== undefined ? dayReaching(series, end / 2) : undefined;
  const grows = { members: count(members), start: String(start?.toPrecision(2)), end: String(end?.toPrecision(2)) };
  const summary =
    members === 0
      ? t('science.ensemble.none')
      : lost !== undefined
        ? t('science.ensemble.summaryLost', { ...grows, day: Math.round(lost) })
        : t('science.ensemble.summary', grows);
  const waiting = lines?.waiting.length ?? 0;
  const waitingText = waiting > 0 ? t('science.ensemble.waiting', { count: count(waiting) }) : '';
  const label = t('science.ensemble.chart', { title, summary });
  return (
    <figure
      class="picture science-picture"
      data-testid="ensemble-picture"
      data-validated={members}
      data-waiting={waiting}
      data-own-confirmed={mine.filter((m) => m.status === 'confirmed').length}
    >
      <div
        class="science-chart"
        ref={box}
        role="img"
        aria-label={waitingText ? t('science.ensemble.chartWaiting', { label, waiting: waitingText }) : label}
      />
      <figcaption class="picture-caption">
        <span class="picture-title">{title}</span>
        <span class="picture-progress" data-testid="ensemble-progress">
          {members === 0 ? t('science.ensemble.noMembers') : t('science.ensemble.members', { members })}
          {offline && t('science.reconnecting')}
        </span>
        {waitingText && (
          <span class="picture-waiting" data-testid="ensemble-waiting">
            {waitingText}
          </span>
        )}
        {own && (
          <span class="picture-legend" data-testid="ensemble-legend">
            <span class="legend-item">
              <span class="legend-line legend-line-validated" aria-hidden="true" />{' '}
              {t('science.ensemble.legend.validated')}
            </span>
            <span class="legend-item">
              <span class="legend-line legend-line-waiting" aria-hidden="true" /> {t('science.ensemble.legend.waiting')}
            </span>
          </span>
        )}
        <span class="picture-note">
          {t('science.ensemble.note')}
          {lost !== undefined && t('science.ensemble.noteLost', { day: Math.round(lost) })}
        </span>
      </figcaption>
    </figure>
  );
}
