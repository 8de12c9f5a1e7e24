// Strings of the leaderboard page.
export const leaderboard = {
  'leaderboard.title': 'Leaderboard · Spare Cycles',
};
