// Mounts the public leaderboard (leaderboard.html).
import { render } from 'preact';
import '../styles.css';
import '../shared/pages.css';
import './leaderboard.css';
import { LeaderboardPage } from './leaderboard-page.js';

const root = document.getElementById('app');
if (!root) throw new Error('leaderboard.html has no #app element');
root.textContent = '';
render(<LeaderboardPage />, root);
