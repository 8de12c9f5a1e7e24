// Strings every page shares: the site bar, the language switch, the live indicator.
export const common = {
  'nav.label': 'Spare Cycles',
  'nav.home': 'Spare Cycles',
  'nav.volunteer': 'Volunteer',
  'nav.dashboard': 'Dashboard',
  'nav.leaderboard': 'Leaderboard',
  'language.label': 'Language',
  'live.connecting': 'Connecting…',
  'live.live': 'Live',
  'live.reconnecting': 'Reconnecting…',
};
