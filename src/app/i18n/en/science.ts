// Strings of the science demos' pictures (src/app/science): the Lorenz-96 ensemble and the
// genome alignment, on the volunteer page and the dashboard.
export const science = {
  'science.title': 'The science so far',
  'science.reconnecting': ' (reconnecting…)',

  'science.alignment.none': 'No units validated yet',
  'science.alignment.summary': '{units} units validated: {reads} reads searched, {found} found in the reference',
  'science.alignment.chart': 'Best alignment score of each read: {summary}',
  'science.alignment.axisStart': 'score 0',
  'science.alignment.axisEnd': '{score} (perfect)',
  'science.alignment.note':
    'Each bar counts reads by their best score so far. Reads from the genome score near the perfect {score}, less their sequencing errors; contaminant reads stay near chance, on the left.',
  'science.alignment.hits': 'Best hits so far',
  'science.alignment.read': 'Read',
  'science.alignment.score': 'Score',
  'science.alignment.position': 'Reference position',
  'science.alignment.readNumber': '#{n}',
  'science.alignment.scoreOf': '{score} of {max}',

  'science.ensemble.none': 'No ensemble members validated yet',
  'science.ensemble.summary':
    '{members} ensemble members validated; median distance from the control grows from {start} to {end}',
  'science.ensemble.summaryLost':
    '{members} ensemble members validated; median distance from the control grows from {start} to {end}, half of that by day {day}',
  'science.ensemble.chart': '{title}: {summary}',
  'science.ensemble.noMembers': 'No members validated yet',
  'science.ensemble.members': '{members, plural, one {# member validated} other {# members validated}}',
  'science.ensemble.waiting': '{count} of yours waiting for a second opinion',
  'science.ensemble.chartWaiting': '{label}; {waiting}, drawn dashed',
  'science.ensemble.legend.validated': 'validated member',
  'science.ensemble.legend.waiting': 'yours, waiting for a second opinion',
  'science.ensemble.days': 'model days',
  'science.ensemble.distance': 'distance from the control',
  'science.ensemble.lowest': 'lowest',
  'science.ensemble.highest': 'highest',
  'science.ensemble.median': 'median',
  'science.ensemble.note':
    'Each thin line is one member, started a millionth away from the control; the band spans the whole ensemble and the orange line is its median.',
  'science.ensemble.noteLost':
    ' By day {day} the typical member is already half as far from the control as two unrelated weather states are: the forecast has lost most of what it knew of the start.',
};
