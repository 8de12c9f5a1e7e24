// The public leaderboard: the demo's picture as it grows, what all volunteers have done together,
// and who gave the most (pseudonyms only: no volunteer is ever asked for a name).
import { LiveIndicator } from '../shared/live-indicator.js';
import { MandelbrotPicture } from '../shared/mandelbrot-picture.js';
import { SiteNav } from '../shared/site-nav.js';
import { RankingTable } from './ranking-table.js';
import { useLeaderboard } from './use-leaderboard.js';

const PICTURE_PROJECT = 'mandelbrot';
const count = new Intl.NumberFormat(undefined, { maximumFractionDigits: 0 });
const credit = new Intl.NumberFormat(undefined, { maximumFractionDigits: 1 });

export function LeaderboardPage() {
  const { board, projects, status, problem } = useLeaderboard();
  // The picture belongs to the demo project; a server without it gets no empty hero.
  const picture = projects?.some((p) => p.id === PICTURE_PROJECT && p.picture) ?? false;
  const sum = (pick: (u: NonNullable<typeof projects>[number]['units']) => number) =>
    count.format((projects ?? []).reduce((total, p) => total + pick(p.units), 0));

  return (
    <div class="page page-wide">
      <SiteNav current="leaderboard" />
      <header class="masthead">
        <h1>Leaderboard</h1>
        <p class="lede">
          Everyone here lends their computer's idle time to open science, under a pseudonym. Credit is a fixed amount
          per result the server has checked against another volunteer's.
        </p>
      </header>
      <main>
        {picture && (
          <section class="card hero" aria-labelledby="picture-title">
            <h2 id="picture-title">The demo, drawn tile by tile</h2>
            <MandelbrotPicture project={PICTURE_PROJECT} />
            <p class="note">
              Want to add a tile? <a href="/">Start volunteering</a>: one click, nothing to install.
            </p>
          </section>
        )}
        <section class="card" aria-labelledby="totals-title">
          <div class="card-title-row">
            <h2 id="totals-title">All projects together</h2>
            <LiveIndicator status={status} />
          </div>
          <dl class="stats totals">
            <Total label="Units validated" value={sum((u) => u.done)} testId="total-done" />
            <Total label="Being computed" value={sum((u) => u.inFlight + u.validating)} testId="total-in-flight" />
            <Total label="Waiting" value={sum((u) => u.unsent)} testId="total-unsent" />
            <Total label="Projects" value={count.format(projects?.length ?? 0)} testId="total-projects" />
          </dl>
        </section>
        {problem && (
          <p class="problem" role="alert">
            {problem}
          </p>
        )}
        <div class="rankings">
          <RankingTable
            title="Volunteers"
            empty="No validated results yet: the first volunteer to finish a unit tops this list."
            columns={['Volunteer', 'Credit', 'Validated']}
            rows={board?.volunteers.map((v) => ({
              key: v.volunteer,
              cells: [v.name, credit.format(v.credit), count.format(v.validated)],
            }))}
            testId="volunteers"
          />
          <RankingTable
            title="Sites"
            empty="No site has credit yet. Sites that embed the widget are ranked by their visitors' credit."
            columns={['Site', 'Credit', 'Volunteers']}
            rows={board?.sites.map((s) => ({
              key: s.site,
              cells: [s.name, credit.format(s.credit), count.format(s.volunteers)],
            }))}
            testId="sites"
          />
        </div>
      </main>
    </div>
  );
}

function Total({ label, value, testId }: { label: string; value: string; testId: string }) {
  return (
    <div class="stat">
      <dt>{label}</dt>
      <dd data-testid={testId}>{value}</dd>
    </div>
  );
}
