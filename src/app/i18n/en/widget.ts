// Strings of the widget's framed consent card (src/widget/card): kept apart from the pages' so
// the frame loads only its own.
export const widget = {
  'widget.title': 'Spare Cycles widget',
  'widget.frameTitle': 'Spare Cycles: lend idle computer time to science',
  'widget.details': 'Details',
  'widget.detailsHidden': ' about Spare Cycles (opens in a new tab)',
  'widget.loading': 'Loading…',
  'widget.declined': 'You said no thanks.',
  'widget.change': 'Change',
  'widget.pitch':
    "Lend this computer's idle time to science while you read: small jobs run in the background, on a quarter of one core, never on battery.",
  'widget.helps': 'Helps: {projects}',
  'widget.helping': 'Helping: {projects}',
  'widget.start': 'Start',
  'widget.noThanks': 'No thanks',
  'widget.starting': 'Starting…',
  'widget.battery': 'Waiting: runs only while plugged in.',
  'widget.running': 'Running · {units, plural, one {# unit} other {# units}} done',
  'widget.runningCredit': 'Running · {units, plural, one {# unit} other {# units}} done · {credit} credit',
  'widget.progress': 'Progress of the current unit',
  'widget.stopsWhen': 'Stops when you click Stop or leave the page.',
  'widget.stop': 'Stop',
  'widget.share': '¼ of one core',
  'widget.refused.noStorage':
    'This browser keeps embedded widgets from storing anything, so it cannot run here. See Details to help from our own page.',
  'widget.refused.page': 'This widget is not set up for this page.',
  'widget.refused.site': 'This widget is not set up for this site.',
  'widget.refused.unreachable': 'Spare Cycles cannot be reached right now.',
  'widget.problem.unseen':
    'Start was not counted: this card was covered or hidden when clicked. Make sure it shows in full, then click Start again.',
  'widget.problem.startFailed': 'Could not start: {message}',
  'widget.problem.unitFailed': 'A unit failed: {error}',
  'widget.problem.unitFailedUnknown': 'A unit failed: unknown error',
  'widget.problem.offline': 'The server cannot be reached; results are kept and sent later.',
  'widget.problem.other': 'Something went wrong: {message}',
};
