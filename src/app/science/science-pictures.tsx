// Pictures of the science demos (Lorenz-96 ensemble, genome alignment), by project id. Each is
// loaded only when shown, so the volunteer page stays small for everyone else (uPlot comes with
// the ensemble picture only).
import { lazy, Suspense } from 'preact/compat';
import type { ProjectInfo } from '../../protocol/api.js';
import { useI18n } from '../i18n/app-i18n.js';
import './science.css';

const EnsemblePicture = lazy(() => import('./ensemble-picture.js').then((m) => m.EnsemblePicture));
const AlignmentPicture = lazy(() => import('./alignment-picture.js').then((m) => m.AlignmentPicture));

const PICTURES = { lorenz96: EnsemblePicture, alignment: AlignmentPicture } as const;

export function hasSciencePicture(project: string): project is keyof typeof PICTURES {
  return Object.hasOwn(PICTURES, project);
}

export function SciencePicture({ project, title }: { project: string; title: string }) {
  if (!hasSciencePicture(project)) return null;
  const Picture = PICTURES[project];
  return (
    <Suspense fallback={null}>
      <Picture project={project} title={title} />
    </Suspense>
  );
}

interface SciencePicturesProps {
  projects: ProjectInfo[] | undefined;
  /** Chosen project ids; undefined means all. */
  chosen: string[] | undefined;
}

/** The volunteer page's card of science pictures, for the chosen projects that have one. */
export function SciencePictures({ projects, chosen }: SciencePicturesProps) {
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
          <SciencePicture project={p.id} title={p.name} />
        </div>
      ))}
    </section>
  );
}
