// The volunteer page: what Start would do, the control, and what the volunteer has given.
import { useEffect, useMemo, useState } from 'preact/hooks';
import { ConsentCard } from './consent-card.js';
import { availableCores, readConsent, readThreads, writeThreads } from './preferences.js';
import { ProjectList } from './project-list.js';
import { RunningUnits } from './running-units.js';
import { Stats } from './stats.js';
import { useProjects } from './use-projects.js';
import { useRuntime } from './use-runtime.js';

/** Other volunteers move the project counts too, but slowly. */
const PROJECTS_REFRESH_MS = 30_000;

export function VolunteerPage({ origin }: { origin: string }) {
  const cores = useMemo(() => availableCores(), []);
  const [threads, setThreads] = useState(() => readThreads(cores));
  const { snapshot, start, pause } = useRuntime(origin);
  const active = snapshot.activity !== 'ready' && snapshot.activity !== 'paused';
  const { projects, error } = useProjects(
    active ? PROJECTS_REFRESH_MS : undefined,
    snapshot.uploaded + (snapshot.info?.validated ?? 0),
  );

  // The volunteer already chose to run on an earlier visit to this origin: honour it.
  useEffect(() => {
    if (readConsent() === 'running') start(readThreads(cores));
  }, [start, cores]);

  const names = useMemo(() => new Map(projects?.map((p) => [p.id, p.name])), [projects]);

  const changeThreads = (next: number) => {
    setThreads(next);
    writeThreads(next);
    // A running volunteer who turns it down (a warm laptop) should not have to pause first.
    if (active) start(next);
  };

  return (
    <div class="page">
      <header class="masthead">
        <p class="wordmark">Spare Cycles</p>
        <h1>Lend your computer's idle time to science</h1>
        <p class="lede">
          Your browser runs small pieces of research computation for open projects, in the background, for as long as
          you like. Nothing to install, no account.
        </p>
      </header>
      <main>
        <ConsentCard
          snapshot={snapshot}
          threads={threads}
          cores={cores}
          onThreads={changeThreads}
          onStart={() => start(threads)}
          onPause={pause}
        />
        <Stats snapshot={snapshot} />
        <RunningUnits units={snapshot.running} projectNames={names} />
        <ProjectList projects={projects} error={error} />
      </main>
      <footer class="footer">
        <p>
          Results are checked by sending each unit to at least two volunteers and comparing their answers. Credit is a
          fixed amount per validated unit.
        </p>
      </footer>
    </div>
  );
}
