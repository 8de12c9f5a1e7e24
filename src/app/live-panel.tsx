// Right now: the units computing with their progress, the pace over the last half hour, and the
// picture of a chosen project that draws one as its results are validated.
import { useEffect, useState } from 'preact/hooks';
import type { ProjectInfo } from '../protocol/api.js';
import { useI18n } from './i18n/app-i18n.js';
import { MandelbrotPicture } from './shared/mandelbrot-picture.js';
import { RunningUnits } from './running-units.js';
import { hasSciencePicture } from './science/science-pictures.js';
import type { SessionSnapshot } from './session-snapshot.js';
import { ThroughputChart } from './throughput-chart.js';
import { perMinute } from './work-tally.js';

/** The chart moves on by itself even when no unit finishes. */
const CHART_TICK_MS = 15_000;

interface LivePanelProps {
  snapshot: SessionSnapshot;
  projects: ProjectInfo[] | undefined;
  /** Chosen project ids; undefined means all. */
  chosen: string[] | undefined;
}

export function LivePanel({ snapshot, projects, chosen }: LivePanelProps) {
  useTicks(CHART_TICK_MS);
  const { t, rich, number } = useI18n();
  const now = Date.now();
  const names = new Map(projects?.map((p) => [p.id, p.name]));
  // Pictures of the projects this volunteer helps: the one a running unit belongs to first.
  const runningProjects = new Set(snapshot.running.map((u) => u.project));
  const pictures = (projects ?? [])
    // The science demos draw charts, not tiles: their own card shows them (science-pictures.tsx).
    .filter((p) => p.picture && !hasSciencePicture(p.id) && (chosen === undefined || chosen.includes(p.id)))
    .sort((a, b) => Number(runningProjects.has(b.id)) - Number(runningProjects.has(a.id)));
  const picture = pictures[0];
  return (
    <section class="card live-panel" aria-labelledby="live-title">
      <div class="card-title-row">
        <h2 id="live-title">{t('volunteer.live.title')}</h2>
        <p class="in-flight">
          {rich('volunteer.live.inFlight', {
            count: <span data-testid="units-in-flight">{number(snapshot.running.length)}</span>,
          })}
        </p>
      </div>
      <RunningUnits units={snapshot.running} projectNames={names} />
      <ThroughputChart perMinute={perMinute(snapshot.tally, now)} />
      {picture && (
        <MandelbrotPicture project={picture.id} title={t('volunteer.live.pictureTitle', { name: picture.name })} />
      )}
    </section>
  );
}

/** Re-renders every `ms`, so time-based views move on while nothing else changes. */
function useTicks(ms: number): void {
  const [, setTick] = useState(0);
  useEffect(() => {
    const timer = setInterval(() => setTick((n) => n + 1), ms);
    return () => clearInterval(timer);
  }, [ms]);
}
