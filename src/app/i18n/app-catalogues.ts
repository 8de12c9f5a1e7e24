// The app's pages' catalogues, assembled from one file per area and language so that people
// working on different pages add keys without touching the same file. The widget card has its
// own (widget-catalogues.ts): its frame should not carry the pages' text.
import { common as enCommon } from './en/common.js';
import { dashboard as enDashboard } from './en/dashboard.js';
import { firstVisit as enFirstVisit } from './en/first-visit.js';
import { leaderboard as enLeaderboard } from './en/leaderboard.js';
import { science as enScience } from './en/science.js';
import { volunteer as enVolunteer } from './en/volunteer.js';
import type { Catalogues } from './translator.js';
import { common as zhCommon } from './zh/common.js';
import { dashboard as zhDashboard } from './zh/dashboard.js';
import { firstVisit as zhFirstVisit } from './zh/first-visit.js';
import { leaderboard as zhLeaderboard } from './zh/leaderboard.js';
import { science as zhScience } from './zh/science.js';
import { volunteer as zhVolunteer } from './zh/volunteer.js';

const en = { ...enCommon, ...enVolunteer, ...enDashboard, ...enLeaderboard, ...enScience, ...enFirstVisit };

export type AppKey = keyof typeof en;

export const appCatalogues: Catalogues<AppKey> = {
  en,
  zh: { ...zhCommon, ...zhVolunteer, ...zhDashboard, ...zhLeaderboard, ...zhScience, ...zhFirstVisit },
};
