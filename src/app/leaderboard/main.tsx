// Mounts the public leaderboard (leaderboard.html).
import { render } from 'preact';
import '../styles.css';
import '../shared/pages.css';
import './leaderboard.css';
import { I18nProvider } from '../i18n/app-i18n.js';
import { LeaderboardPage } from './leaderboard-page.js';

const root = document.getElementById('app');
if (!root) throw new Error('leaderboard.html has no #app element');
root.textContent = '';
render(
  <I18nProvider titleKey="leaderboard.title">
    <LeaderboardPage />
  </I18nProvider>,
  root,
);
