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
  'shared.picture.title': 'The Mandelbrot set, drawn by volunteers',
  'shared.picture.empty': 'No tiles computed yet',
  'shared.picture.progress': '{painted} of {total} tiles computed',
  'shared.picture.label': '{title}: {progress}',
  'shared.picture.reconnecting': ' (reconnecting…)',
  'shared.picture.note':
    'Each tile is one work unit, painted here as soon as the server has checked and accepted its result.',
};
