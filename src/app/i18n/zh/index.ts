// The app's Chinese catalogue: loaded only by a page that shows Chinese (app-i18n.ts).
import type { AppKey } from '../app-catalogues.js';
import type { Catalogue } from '../translator.js';
import { common } from './common.js';
import { dashboard } from './dashboard.js';
import { firstVisit } from './first-visit.js';
import { leaderboard } from './leaderboard.js';
import { science } from './science.js';
import { volunteer } from './volunteer.js';

export const zh: Catalogue<AppKey> = {
  ...common,
  ...volunteer,
  ...dashboard,
  ...leaderboard,
  ...science,
  ...firstVisit,
};
