// Strings of the public leaderboard (leaderboard.html, src/app/leaderboard).
export const leaderboard = {
  'leaderboard.title': 'Leaderboard · Spare Cycles',
  'leaderboard.headline': 'Leaderboard',
  'leaderboard.lede':
    "Everyone here lends their computer's idle time to open science, under a pseudonym. Credit is a fixed amount per result the server has checked against another volunteer's.",
  'leaderboard.picture.title': 'The demo, drawn tile by tile',
  'leaderboard.picture.invite': 'Want to add a tile? {link}: one click, nothing to install.',
  'leaderboard.picture.link': 'Start volunteering',
  'leaderboard.totals.title': 'All projects together',
  'leaderboard.totals.validated': 'Units validated',
  'leaderboard.totals.computing': 'Being computed',
  'leaderboard.totals.waiting': 'Waiting',
  'leaderboard.totals.projects': 'Projects',
  'leaderboard.loadError': 'Could not load the leaderboard: {message}',
  'leaderboard.loading': 'Loading…',
  'leaderboard.rank': 'Rank',
  'leaderboard.volunteers.title': 'Volunteers',
  'leaderboard.volunteers.empty': 'No validated results yet: the first volunteer to finish a unit tops this list.',
  'leaderboard.volunteers.name': 'Volunteer',
  'leaderboard.sites.title': 'Sites',
  'leaderboard.sites.empty':
    "No site has credit yet. Sites that embed the widget are ranked by their visitors' credit.",
  'leaderboard.sites.name': 'Site',
  'leaderboard.column.credit': 'Credit',
  'leaderboard.column.validated': 'Validated',
  'leaderboard.column.volunteers': 'Volunteers',
};
