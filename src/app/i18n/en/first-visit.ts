// Strings of the first visit's own work (the zh file mirrors these keys): the picture's own tiles,
// frames and legend, and the counters of results waiting for a second opinion and confirmed.
export const firstVisit = {
  'picture.confirmed': '{confirmed} of {total} tiles confirmed',
  'picture.zoom': ' (zoom ×{zoom})',
  'picture.waiting': '{count} of yours waiting for a second opinion',
  'picture.labelWaiting': '{label}, {waiting}',
  'picture.legend.confirmed': 'confirmed by a second volunteer',
  'picture.legend.waiting': 'yours, waiting for a second opinion',
  'picture.strip': 'Earlier frames of the zoom',
  'picture.stripFrame': 'Zoom ×{zoom}: {confirmed} of {total} tiles confirmed',
  'picture.noteOwn':
    'Each tile is one work unit, painted as soon as the server has checked and accepted its result; ' +
    'yours show at once, washed out until a second volunteer agrees.',
  'generator.line':
    'Work generator {name}: {steps, plural, one {# batch} other {# batches}} made so far, keeping at least {minUnsent} units unsent',
  'generator.moreBatches': 'The newest {shown} of {total} batches are shown.',
  'own.stats.waiting': 'Waiting for a second opinion',
  'own.stats.confirmed': 'Confirmed',
};
