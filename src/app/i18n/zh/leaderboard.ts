import type { leaderboard as en } from '../en/leaderboard.js';

export const leaderboard: Record<keyof typeof en, string> = {
  'leaderboard.title': '排行榜 · Spare Cycles',
};
