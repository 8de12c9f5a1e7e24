// The project dashboard: sign in with a publisher token, then every project and batch of that
// publisher, updating live without a reload.
import { useState } from 'preact/hooks';
import { LiveIndicator } from '../shared/live-indicator.js';
import { SiteNav } from '../shared/site-nav.js';
import { readToken, writeToken, type DashboardFrame } from './dashboard-api.js';
import { ProjectSection } from './project-section.js';
import { TokenForm } from './token-form.js';
import { useDashboard } from './use-dashboard.js';

const time = new Intl.DateTimeFormat(undefined, { timeStyle: 'medium' });

export function DashboardPage() {
  const [token, setToken] = useState(readToken);
  const [notice, setNotice] = useState<string>();

  const signOut = (why?: string) => {
    writeToken(undefined);
    setToken(undefined);
    setNotice(why);
    dashboard.show(undefined);
  };
  const dashboard = useDashboard(token, () =>
    signOut('The server no longer accepts the token you signed in with. Paste a current one.'),
  );

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
        <h1>Project dashboard</h1>
        <p class="lede">
          Your projects and batches as volunteers work on them: progress, throughput, result quality, and the validated
          results to download.
        </p>
      </header>
      <main>
        {token === undefined ? (
          <TokenForm onSignedIn={signIn} notice={notice} />
        ) : (
          <>
            <div class="dashboard-bar">
              <LiveIndicator status={dashboard.status} />
              {dashboard.frame && <p class="updated">Updated {time.format(dashboard.frame.at)}</p>}
              <button type="button" class="small-button" onClick={() => signOut()}>
                Sign out
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
  if (!frame) return <p class="empty card">Loading your projects…</p>;
  if (frame.projects.length === 0) {
    return (
      <section class="card" aria-labelledby="no-projects">
        <h2 id="no-projects">No projects yet</h2>
        <p class="empty">
          Create one with <code>npx sparecycles project create "My project"</code>, add a kernel with{' '}
          <code>npx sparecycles kernel add kernel.wasm</code> and publish inputs with{' '}
          <code>npx sparecycles publish</code>. It appears here as soon as it exists.
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
