// The project dashboard: sign in with a publisher token, then every project and batch of that
// publisher, updating live without a reload.
import { useState } from 'preact/hooks';
import type { AppKey } from '../i18n/app-catalogues.js';
import { useI18n } from '../i18n/app-i18n.js';
import { LiveIndicator } from '../shared/live-indicator.js';
import { SiteNav } from '../shared/site-nav.js';
import { readToken, writeToken, type DashboardFrame } from './dashboard-api.js';
import { ProjectSection } from './project-section.js';
import { TokenForm } from './token-form.js';
import { useDashboard } from './use-dashboard.js';

export function DashboardPage() {
  const [token, setToken] = useState(readToken);
  const [notice, setNotice] = useState<AppKey>();
  const { t, date } = useI18n();

  const signOut = (why?: AppKey) => {
    writeToken(undefined);
    setToken(undefined);
    setNotice(why);
    dashboard.show(undefined);
  };
  const dashboard = useDashboard(token, () => signOut('dashboard.tokenExpired'));

  const signIn = (pasted: string, frame: DashboardFrame) => {
    writeToken(pasted);
    setNotice(undefined);
    setToken(pasted);
    dashboard.show(frame);
  };

  return (
    <div class="page page-wide">
      <SiteNav current="dashboard" />
      <header class="masthead">
        <h1>{t('dashboard.headline')}</h1>
        <p class="lede">{t('dashboard.lede')}</p>
      </header>
      <main>
        {token === undefined ? (
          <TokenForm onSignedIn={signIn} notice={notice} />
        ) : (
          <>
            <div class="dashboard-bar">
              <LiveIndicator status={dashboard.status} />
              {dashboard.frame && (
                <p class="updated">
                  {t('dashboard.updated', { time: date(dashboard.frame.at, { timeStyle: 'medium' }) })}
                </p>
              )}
              <button type="button" class="small-button" onClick={() => signOut()}>
                {t('dashboard.signOut')}
              </button>
            </div>
            <Projects frame={dashboard.frame} token={token} />
          </>
        )}
      </main>
    </div>
  );
}

function Projects({ frame, token }: { frame: DashboardFrame | undefined; token: string }) {
  const { t, rich } = useI18n();
  if (!frame) return <p class="empty card">{t('dashboard.loading')}</p>;
  if (frame.projects.length === 0) {
    return (
      <section class="card" aria-labelledby="no-projects">
        <h2 id="no-projects">{t('dashboard.noProjects')}</h2>
        <p class="empty">
          {rich('dashboard.noProjectsHow', {
            create: <code>npx sparecycles project create "My project"</code>,
            kernel: <code>npx sparecycles kernel add kernel.wasm</code>,
            publish: <code>npx sparecycles publish</code>,
          })}
        </p>
      </section>
    );
  }
  return (
    <>
      {frame.projects.map((project) => (
        <ProjectSection key={project.id} project={project} at={frame.at} token={token} />
      ))}
    </>
  );
}
