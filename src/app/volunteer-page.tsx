// The volunteer page: what Start would do and the controls, what runs right now, and what the
// volunteer has given. A first visit shows only the first part: nothing else exists yet.
import { useEffect, useMemo, useState } from 'preact/hooks';
import type { RunPolicies } from '../runtime/policies.js';
import { ConsentCard } from './consent-card.js';
import { useI18n } from './i18n/app-i18n.js';
import { ContributionPanel } from './contribution-panel.js';
import { LivePanel } from './live-panel.js';
import { PolicySettings } from './policy-settings.js';
import {
  availableCores,
  readConsent,
  readCpuPercent,
  readPolicies,
  readProjects,
  readThreads,
  writeCpuPercent,
  writePolicies,
  writeProjects,
  writeThreads,
} from './preferences.js';
import { ProjectList } from './project-list.js';
import { hasSciencePicture, SciencePictures } from './science/science-pictures.js';
import { wantsToRun, type RunSettings } from './session-snapshot.js';
import { SiteNav } from './shared/site-nav.js';
import { UpdatePrompt } from './update-prompt.js';
import { useProjects } from './use-projects.js';
import { useRuntime } from './use-runtime.js';

/** Other volunteers move the project counts too, but slowly. */
const PROJECTS_REFRESH_MS = 30_000;

export function VolunteerPage({ origin, onForgotten }: { origin: string; onForgotten(): void }) {
  const cores = useMemo(() => availableCores(), []);
  const { t } = useI18n();
  const [settings, setSettings] = useState<RunSettings>(() => ({
    threads: readThreads(cores),
    cpuPercent: readCpuPercent(),
    projects: readProjects(),
  }));
  const [policies, setPolicies] = useState<RunPolicies>(readPolicies);
  const { snapshot, session } = useRuntime(origin, settings, policies);
  const running = wantsToRun(snapshot.activity);
  const { projects, error } = useProjects(
    running ? PROJECTS_REFRESH_MS : undefined,
    snapshot.uploaded + (snapshot.info?.validated ?? 0),
  );

  // The picture the live panel draws: a start computes a tile of it first.
  const tilePicture = projects?.find(
    (p) =>
      p.picture && !hasSciencePicture(p.id) && (settings.projects === undefined || settings.projects.includes(p.id)),
  )?.id;
  useEffect(() => session.showPictureFirst(tilePicture), [session, tilePicture]);

  // The volunteer already chose to run on an earlier visit to this origin: honour it.
  useEffect(() => {
    if (readConsent() === 'running') void session.start();
  }, [session]);

  const changeSettings = (change: Partial<RunSettings>) => {
    const next = { ...settings, ...change };
    if (change.threads !== undefined) writeThreads(next.threads);
    if (change.cpuPercent !== undefined) writeCpuPercent(next.cpuPercent);
    if ('projects' in change) writeProjects(next.projects);
    setSettings(next);
  };
  const changePolicies = (next: RunPolicies) => {
    writePolicies(next);
    setPolicies(next);
  };
  // Live work and the volunteer's record exist once they have started, here or on an earlier visit.
  const started = snapshot.returning || snapshot.activity !== 'ready';

  return (
    <div class="page page-wide volunteer-page">
      <SiteNav current="volunteer" />
      <UpdatePrompt computing={snapshot.running.length > 0} />
      <header class="masthead">
        <h1>{t('volunteer.headline')}</h1>
        <p class="lede">{t('volunteer.lede')}</p>
      </header>
      <main class="volunteer-layout">
        <div class="column">
          <ConsentCard
            snapshot={snapshot}
            settings={settings}
            cores={cores}
            onSettings={changeSettings}
            onStart={() => void session.start()}
            onPause={() => void session.pause()}
            onTakeOver={() => void session.start(true)}
          />
          {started && (
            <LivePanel snapshot={snapshot} projects={projects} chosen={settings.projects} own={session.own} />
          )}
          {started && <SciencePictures projects={projects} chosen={settings.projects} own={session.own} />}
        </div>
        <div class="column">
          {started && (
            <ContributionPanel session={session} origin={origin} snapshot={snapshot} onForgotten={onForgotten} />
          )}
          <ProjectList
            projects={projects}
            error={error}
            chosen={settings.projects}
            onChoose={(chosen) => changeSettings({ projects: chosen })}
          />
          <PolicySettings policies={policies} onChange={changePolicies} />
        </div>
      </main>
      <footer class="footer">
        <p>{t('volunteer.footer')}</p>
      </footer>
    </div>
  );
}
