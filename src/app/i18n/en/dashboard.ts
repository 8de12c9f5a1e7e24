// Strings of the project dashboard (dashboard.html, src/app/dashboard).
export const dashboard = {
  'dashboard.title': 'Project dashboard · Spare Cycles',
  'dashboard.headline': 'Project dashboard',
  'dashboard.lede':
    'Your projects and batches as volunteers work on them: progress, throughput, result quality, and the validated results to download.',
  'dashboard.updated': 'Updated {time}',
  'dashboard.signOut': 'Sign out',
  'dashboard.tokenExpired': 'The server no longer accepts the token you signed in with. Paste a current one.',
  'dashboard.loading': 'Loading your projects…',
  'dashboard.noProjects': 'No projects yet',
  'dashboard.noProjectsHow':
    'Create one with {create}, add a kernel with {kernel} and publish inputs with {publish}. It appears here as soon as it exists.',

  'dashboard.signIn.title': 'Sign in with your publisher token',
  'dashboard.signIn.about':
    'The token that {command} printed (it starts with {prefix}). A demo server keeps its token in {file}.',
  'dashboard.signIn.label': 'Publisher token',
  'dashboard.signIn.submit': 'Sign in',
  'dashboard.signIn.checking': 'Checking…',
  'dashboard.signIn.kept': 'Kept only in this browser tab, and forgotten when you close it or sign out.',
  'dashboard.signIn.empty': 'Paste your publisher token first.',
  'dashboard.signIn.rejected':
    'The server did not accept this token. Check it, or create a new one with `npx sparecycles token create`.',
  'dashboard.signIn.unreachable': 'Could not reach the server: {message}',
  'dashboard.signIn.status': 'The server answered {status}. Try again in a moment.',

  'dashboard.project.picture': '{name}: live picture',
  'dashboard.project.noBatches': 'No batches yet. Publish one with {command}.',
  'dashboard.counts':
    '{total} units: {done} done, {validating} validating, {inFlight} in flight, {unsent} unsent, {error} error',
  'dashboard.state.done': 'Done',
  'dashboard.state.validating': 'Validating',
  'dashboard.state.inFlight': 'In flight',
  'dashboard.state.unsent': 'Unsent',
  'dashboard.state.error': 'Error',
  'dashboard.finished': '{percent} finished',

  'dashboard.batch.heading': 'Batch {id}',
  'dashboard.batch.meta': '{units} units · published {when} · kernel {kernel}',
  'dashboard.batch.complete': ' · complete',
  'dashboard.batch.cancelled': ' · cancelled',
  'dashboard.batch.volunteers': 'Active volunteers',
  'dashboard.batch.leases': 'Leases issued',
  'dashboard.batch.invalid': 'Invalid results',
  'dashboard.batch.errors': 'Kernel errors',
  'dashboard.batch.download': 'Download the {count} validated results so far, in input order:',
  'dashboard.batch.nothingYet': 'Results can be downloaded once units are validated.',
  'dashboard.batch.downloadAs': 'Download {format}',
  'dashboard.batch.downloadFailed': 'Could not download the results: {message}',
  'dashboard.batch.resultsStatus': 'The server answered {status} for the results of {batch}.',

  'dashboard.chart.caption': 'Validated per 10 s, last 30 min',
  'dashboard.chart.series': 'Validated per 10 s',
  'dashboard.chart.summary': '{total} units validated in the last 30 minutes; at most {peak} in one 10-second interval',
};
