// A lead's project: its totals, its live picture when its outputs are public (the demo), and its
// batches, newest first.
import { useI18n } from '../i18n/app-i18n.js';
import { projectDescription } from '../i18n/project-text.js';
import { MandelbrotPicture } from '../shared/mandelbrot-picture.js';
import { SciencePicture, hasSciencePicture } from '../science/science-pictures.js';
import { BatchCard } from './batch-card.js';
import { describeCounts } from './batch-progress.js';
import type { DashboardProject } from './dashboard-api.js';

interface Props {
  project: DashboardProject;
  at: number;
  token: string;
}

export function ProjectSection({ project, at, token }: Props) {
  const i18n = useI18n();
  const { t, rich, locale } = i18n;
  const about = projectDescription(project, locale);
  const headingId = `project-${project.id}`;
  const u = project.units;
  const total = u.unsent + u.inFlight + u.validating + u.done + u.error;
  return (
    <section class="card project-card" aria-labelledby={headingId} data-project={project.id}>
      <header class="project-head">
        <h2 id={headingId}>{project.name}</h2>
        <p class="project-id">
          <code>{project.id}</code>
        </p>
      </header>
      {about.text && (
        <p class="project-description" lang={about.lang}>
          {about.text}
        </p>
      )}
      <p class="project-totals">{describeCounts(u, total, i18n)}</p>
      {/* `picture` means public outputs, which need not be tiles (the primes demo has them too): the
          picture hides itself on outputs that are not tiles, so it is tried once there are some. */}
      {project.picture &&
        u.done > 0 &&
        (hasSciencePicture(project.id) ? (
          <SciencePicture project={project.id} title={t('dashboard.project.picture', { name: project.name })} />
        ) : (
          <MandelbrotPicture project={project.id} title={t('dashboard.project.picture', { name: project.name })} />
        ))}
      {project.batches.length === 0 ? (
        <p class="empty">
          {rich('dashboard.project.noBatches', {
            command: (
              <code>npx sparecycles publish --project {project.id} --kernel kernel.wasm --inputs inputs.jsonl</code>
            ),
          })}
        </p>
      ) : (
        <div class="batches">
          {project.batches.map((batch) => (
            <BatchCard key={batch.batch} batch={batch} at={at} token={token} />
          ))}
        </div>
      )}
    </section>
  );
}
