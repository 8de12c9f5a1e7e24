// The app's English catalogue, assembled from one file per area so that people working on
// different pages add keys without touching the same file. Loaded with every page: it is the
// default and the fallback.
import { common } from './common.js';
import { dashboard } from './dashboard.js';
import { firstVisit } from './first-visit.js';
import { leaderboard } from './leaderboard.js';
import { science } from './science.js';
import { volunteer } from './volunteer.js';

export const en = { ...common, ...volunteer, ...dashboard, ...leaderboard, ...science, ...firstVisit };
