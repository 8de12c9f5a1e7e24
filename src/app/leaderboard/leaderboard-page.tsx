// The public leaderboard: the demo's picture as it grows, what all volunteers have done together,
// and who gave the most (pseudonyms only: no volunteer is ever asked for a name).
import type { AppKey } from '../i18n/app-catalogues.js';
import { useI18n } from '../i18n/app-i18n.js';
import { LiveIndicator } from '../shared/live-indicator.js';
import { MandelbrotPicture } from '../shared/mandelbrot-picture.js';
import { SiteNav } from '../shared/site-nav.js';
import { RankingTable } from './ranking-table.js';
import { useLeaderboard } from './use-leaderboard.js';

const PICTURE_PROJECT = 'mandelbrot';
const COUNT = { maximumFractionDigits: 0 };
const CREDIT = { maximumFractionDigits: 1 };

export function LeaderboardPage() {
  const { board, projects, status, problem } = useLeaderboard();
  const { t, rich, number } = useI18n();
  const count = (n: number) => number(n, COUNT);
  const credit = (n: number) => number(n, CREDIT);
  // The picture belongs to the demo project; a server without it gets no empty hero.
  const picture = projects?.some((p) => p.id === PICTURE_PROJECT && p.picture) ?? false;
  const sum = (pick: (u: NonNullable<typeof projects>[number]['units']) => number) =>
    count((projects ?? []).reduce((total, p) => total + pick(p.units), 0));

  return (
    <div class="page page-wide">
      <SiteNav current="leaderboard" />
      <header class="masthead">
        <h1>{t('leaderboard.headline')}</h1>
        <p class="lede">{t('leaderboard.lede')}</p>
      </header>
      <main>
        {picture && (
          <section class="card hero" aria-labelledby="picture-title">
            <h2 id="picture-title">{t('leaderboard.picture.title')}</h2>
            <MandelbrotPicture project={PICTURE_PROJECT} />
            <p class="note">
              {rich('leaderboard.picture.invite', { link: <a href="/">{t('leaderboard.picture.link')}</a> })}
            </p>
          </section>
        )}
        <section class="card" aria-labelledby="totals-title">
          <div class="card-title-row">
            <h2 id="totals-title">{t('leaderboard.totals.title')}</h2>
            <LiveIndicator status={status} />
          </div>
          <dl class="stats totals">
            <Total label="leaderboard.totals.validated" value={sum((u) => u.done)} testId="total-done" />
            <Total
              label="leaderboard.totals.computing"
              value={sum((u) => u.inFlight + u.validating)}
              testId="total-in-flight"
            />
            <Total label="leaderboard.totals.waiting" value={sum((u) => u.unsent)} testId="total-unsent" />
            <Total label="leaderboard.totals.projects" value={count(projects?.length ?? 0)} testId="total-projects" />
          </dl>
        </section>
        {problem && (
          <p class="problem" role="alert">
            {t(problem.key, problem.params)}
          </p>
        )}
        <div class="rankings">
          <RankingTable
            title={t('leaderboard.volunteers.title')}
            empty={t('leaderboard.volunteers.empty')}
            columns={[
              t('leaderboard.volunteers.name'),
              t('leaderboard.column.credit'),
              t('leaderboard.column.validated'),
            ]}
            rows={board?.volunteers.map((v) => ({
              key: v.volunteer,
              cells: [v.name, credit(v.credit), count(v.validated)],
            }))}
            testId="volunteers"
          />
          <RankingTable
            title={t('leaderboard.sites.title')}
            empty={t('leaderboard.sites.empty')}
            columns={[t('leaderboard.sites.name'), t('leaderboard.column.credit'), t('leaderboard.column.volunteers')]}
            rows={board?.sites.map((s) => ({
              key: s.site,
              cells: [s.name, credit(s.credit), count(s.volunteers)],
            }))}
            testId="sites"
          />
        </div>
      </main>
    </div>
  );
}

function Total({ label, value, testId }: { label: AppKey; value: string; testId: string }) {
  const { t } = useI18n();
  return (
    <div class="stat">
      <dt>{t(label)}</dt>
      <dd data-testid={testId}>{value}</dd>
    </div>
  );
}
