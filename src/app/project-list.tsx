// The projects a volunteer's computer would work for: what each one computes, how much of its
// work is left, and a tick box to help it or not. All are ticked until the volunteer chooses.
import type { ProjectInfo } from '../protocol/api.js';
import { useI18n } from './i18n/app-i18n.js';
import { projectDescription } from './i18n/project-text.js';
import type { Notice } from './notice.js';

interface ProjectListProps {
  projects: ProjectInfo[] | undefined;
  error: Notice | undefined;
  /** Chosen project ids; undefined means all of them, including any added later. */
  chosen: string[] | undefined;
  onChoose(chosen: string[] | undefined): void;
}

export function ProjectList({ projects, error, chosen, onChoose }: ProjectListProps) {
  const { t, number: count, locale } = useI18n();
  const isChosen = (id: string) => chosen === undefined || chosen.includes(id);
  const toggle = (id: string, on: boolean) => {
    const all = projects?.map((p) => p.id) ?? [];
    const base = chosen ?? all;
    const next = on ? [...new Set([...base, id])] : base.filter((p) => p !== id);
    // Every project ticked again means "all", so projects published later are helped too.
    onChoose(all.every((p) => next.includes(p)) ? undefined : next);
  };
  const none = projects !== undefined && projects.length > 0 && projects.every((p) => !isChosen(p.id));
  return (
    <section class="card" aria-labelledby="projects-title">
      <h2 id="projects-title">{t('volunteer.projects.title')}</h2>
      {error && <p class="problem">{t(error.key, error.params)}</p>}
      {projects === undefined && !error && <p class="empty">{t('volunteer.projects.loading')}</p>}
      {projects?.length === 0 && <p class="empty">{t('volunteer.projects.none')}</p>}
      {projects && projects.length > 0 && (
        <ul class="projects">
          {projects.map(({ id, name, description, descriptions, units }) => (
            <li key={id} class="project">
              <input
                type="checkbox"
                id={`project-${id}`}
                checked={isChosen(id)}
                aria-describedby={`project-${id}-about`}
                onChange={(event) => toggle(id, (event.currentTarget as HTMLInputElement).checked)}
              />
              <div>
                <h3>
                  <label for={`project-${id}`}>{name}</label>
                </h3>
                <div id={`project-${id}-about`}>
                  {description && <About {...projectDescription({ description, descriptions }, locale)} />}
                  <p class="counts">
                    {t('volunteer.projects.counts', {
                      done: count(units.done),
                      inProgress: count(units.inFlight + units.validating),
                      waiting: count(units.unsent),
                    })}
                    {units.error > 0 && t('volunteer.projects.countsFailed', { failed: count(units.error) })}
                  </p>
                </div>
              </div>
            </li>
          ))}
        </ul>
      )}
      {none && (
        <p class="problem" role="alert">
          {t('volunteer.projects.noneChosen')}
        </p>
      )}
    </section>
  );
}

function About({ text, lang }: { text: string; lang: string | undefined }) {
  return <p lang={lang}>{text}</p>;
}
