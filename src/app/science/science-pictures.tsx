// Pictures of the science demos (Lorenz-96 ensemble, genome alignment), by project id. Each is
// loaded only when shown, so the volunteer page stays small for everyone else (uPlot comes with
// the ensemble picture only). On the volunteer page the ensemble also draws this browser's own
// members at once (`own`); the dashboard has none.
import { lazy, Suspense } from 'preact/compat';
import type { ProjectInfo } from '../../protocol/api.js';
import { useI18n } from '../i18n/app-i18n.js';
import type { OwnResultsSource } from '../own-results.js';
import './science.css';

const EnsemblePicture = lazy(() => import('./ensemble-picture.js').then((m) => m.EnsemblePicture));
const AlignmentPicture = lazy(() => import('./alignment-picture.js').then((m) => m.AlignmentPicture));

const PICTURES = { lorenz96: EnsemblePicture, alignment: AlignmentPicture } as const;

export function hasSciencePicture(project: string): project is keyof typeof PICTURES {
  return Object.hasOwn(PICTURES, project);
}

interface SciencePictureProps {
  project: string;
  title: string;
  /** This browser's own results (the volunteer page only). */
  own?: OwnResultsSource | undefined;
}

export function SciencePicture({ project, title, own }: SciencePictureProps) {
  if (!hasSciencePicture(project)) return null;
  return (
    <Suspense fallback={null}>
      {project === 'lorenz96' ? (
        <EnsemblePicture project={project} title={title} own={own} />
      ) : (
        <AlignmentPicture project={project} title={title} />
      )}
    </Suspense>
  );
}

interface SciencePicturesProps {
  projects: ProjectInfo[] | undefined;
  /** Chosen project ids; undefined means all. */
  chosen: string[] | undefined;
  /** This browser's own results, drawn at once and marked until confirmed. */
  own?: OwnResultsSource;
}

/** The volunteer page's card of science pictures, for the chosen projects that have one. */
export function SciencePictures({ projects, chosen, own }: SciencePicturesProps) {
  const shown = (projects ?? []).filter(
    (p) => p.picture && hasSciencePicture(p.id) && (chosen === undefined || chosen.includes(p.id)),
  );
  const { t } = useI18n();
  if (shown.length === 0) return null;
  return (
    <section class="card science-card" aria-labelledby="science-title">
      <h2 id="science-title">{t('science.title')}</h2>
      {shown.map((p) => (
        <div key={p.id} class="science-project" data-project={p.id}>
          <SciencePicture project={p.id} title={p.name} own={own} />
        </div>
      ))}
    </section>
  );
}
