// Validated units per 10-second bucket over the last half hour, drawn by uPlot. The chart is made
// once and fed new data each frame (re-creating it every second would flicker and leak canvases).
import { useEffect, useMemo, useRef } from 'preact/hooks';
import uPlot from 'uplot';
import { useI18n } from '../i18n/app-i18n.js';
import type { BatchStats } from './dashboard-api.js';

const WINDOW_MS = 30 * 60_000;
const HEIGHT = 150;

/** Every bucket of the window, empty ones as zero (the server leaves them out), x in seconds. */
export function throughputSeries(stats: BatchStats, at: number): [number[], number[]] {
  const bucket = stats.bucketMs;
  const last = Math.floor(at / bucket) * bucket;
  const first = last - WINDOW_MS + bucket;
  const byStart = new Map(stats.throughput.map((b) => [b.t, b.validated]));
  const xs: number[] = [];
  const ys: number[] = [];
  for (let t = first; t <= last; t += bucket) {
    xs.push(t / 1000);
    ys.push(byStart.get(t) ?? 0);
  }
  return [xs, ys];
}

/** The page's own colours, so the chart follows light and dark mode. */
function themeColour(name: string, fallback: string): string {
  return getComputedStyle(document.documentElement).getPropertyValue(name).trim() || fallback;
}

function withAlpha(hex: string, alpha: number): string {
  const m = /^#([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})$/i.exec(hex);
  if (!m) return hex;
  return `rgba(${parseInt(m[1]!, 16)}, ${parseInt(m[2]!, 16)}, ${parseInt(m[3]!, 16)}, ${alpha})`;
}

/** What the chart writes in the page's language: its series' name and the time of day on its axis. */
interface ChartWords {
  series: string;
  time(ms: number): string;
}

function chartOptions(width: number, words: ChartWords): uPlot.Options {
  const accent = themeColour('--accent', '#1d5c4f');
  const muted = themeColour('--muted', '#4f5c56');
  const line = themeColour('--line', '#dde3dd');
  const axis = { stroke: muted, grid: { stroke: line, width: 1 }, ticks: { stroke: line, width: 1 } };
  return {
    width,
    height: HEIGHT,
    legend: { show: false },
    cursor: { drag: { x: false, y: false } },
    scales: { y: { range: (_u, _min, max) => [0, Math.max(4, Math.ceil(max * 1.15))] } },
    axes: [
      { ...axis, values: (_u, splits) => splits.map((s) => words.time(s * 1000)) },
      { ...axis, size: 40 },
    ],
    series: [
      {},
      {
        label: words.series,
        stroke: accent,
        fill: withAlpha(accent, 0.35),
        width: 1,
        paths: uPlot.paths.bars!({ size: [0.9, 40] }),
        points: { show: false },
      },
    ],
  };
}

export function ThroughputChart({ stats, at }: { stats: BatchStats; at: number }) {
  const box = useRef<HTMLDivElement>(null);
  const chart = useRef<uPlot | undefined>(undefined);
  const data = useMemo(() => throughputSeries(stats, at), [stats, at]);
  const latest = useRef(data);
  latest.current = data;
  const { t, date, locale } = useI18n();
  const words = useRef<ChartWords>({ series: '', time: String });
  words.current = {
    series: t('dashboard.chart.series'),
    time: (ms) => date(ms, { hour: 'numeric', minute: '2-digit' }),
  };

  useEffect(() => {
    const element = box.current;
    if (!element) return undefined;
    const plot = new uPlot(chartOptions(Math.max(200, element.clientWidth), words.current), latest.current, element);
    chart.current = plot;
    const resize = new ResizeObserver(() =>
      plot.setSize({ width: Math.max(200, element.clientWidth), height: HEIGHT }),
    );
    resize.observe(element);
    return () => {
      resize.disconnect();
      plot.destroy();
      chart.current = undefined;
    };
    // Made anew in another language: uPlot reads its labels once.
  }, [locale]);

  useEffect(() => {
    chart.current?.setData(data);
  }, [data]);

  const total = data[1].reduce((sum, n) => sum + n, 0);
  const peak = Math.max(0, ...data[1]);
  const summary = t('dashboard.chart.summary', { total, peak });
  return (
    <figure class="chart">
      <figcaption class="chart-caption">{t('dashboard.chart.caption')}</figcaption>
      <div class="chart-box" ref={box} role="img" aria-label={summary} />
    </figure>
  );
}
