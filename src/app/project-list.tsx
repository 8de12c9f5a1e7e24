// The projects a volunteer's computer would work for, with how much of their work is left.
import type { ProjectInfo } from '../protocol/api.js';

const count = new Intl.NumberFormat();

export function ProjectList({ projects, error }: { projects: ProjectInfo[] | undefined; error: string | undefined }) {
  return (
    <section class="card" aria-labelledby="projects-title">
      <h2 id="projects-title">Projects you would help</h2>
      {error && <p class="problem">{error}</p>}
      {projects === undefined && !error && <p class="empty">Loading the projects…</p>}
      {projects?.length === 0 && <p class="empty">No projects on this server yet.</p>}
      {projects && projects.length > 0 && (
        <ul class="projects">
          {projects.map(({ id, name, description, units }) => (
            <li key={id} class="project">
              <h3>{name}</h3>
              {description && <p>{description}</p>}
              <p class="counts">
                {count.format(units.done)} done · {count.format(units.inFlight + units.validating)} in progress ·{' '}
                {count.format(units.unsent)} waiting
                {units.error > 0 && ` · ${count.format(units.error)} failed`}
              </p>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
