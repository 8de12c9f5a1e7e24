// Strings of the volunteer page (index.html, src/app/*.tsx).
export const volunteer = {
  'volunteer.title': 'Spare Cycles: lend your idle CPU to science',
  'volunteer.headline': "Lend your computer's idle time to science",
  'volunteer.lede':
    'Your browser runs small pieces of research computation for open projects, in the background, for as long as you like. Nothing to install, no account.',
  'volunteer.footer':
    'Results are checked by sending each unit to at least two volunteers and comparing their answers. Credit is a fixed amount per validated unit, recorded in a public ledger the server signs.',

  'volunteer.consent.title': 'What Start does',
  'volunteer.consent.whatRuns': 'What runs',
  'volunteer.consent.whatRunsText':
    'Small WebAssembly science kernels (counting primes, drawing fractals) in background threads, so this page stays responsive. Kernels have no network, files or clock.',
  'volunteer.consent.forWhom': 'For whom',
  'volunteer.consent.forWhomText':
    'The projects you tick under “Projects you help”; each result goes back to the project that published it.',
  'volunteer.consent.howMuch': 'How much',
  'volunteer.consent.howToStop': 'How to stop',
  'volunteer.consent.howToStopText':
    'Click Pause or close the tab: work stops within a second. It also pauses on a low battery (see “When to run”). Your choice is remembered: left running, it resumes when you come back.',
  'volunteer.consent.start': 'Start',
  'volunteer.consent.resume': 'Resume',
  'volunteer.consent.pause': 'Pause',
  'volunteer.consent.takeOver': 'Take over',
  'volunteer.consent.keptLabel': 'What is kept:',
  'volunteer.consent.keptText':
    'a random pseudonym, units in progress and your settings, in this browser; after Start, an offline copy of this page. No account, email or tracking. “Forget me” deletes it all.',

  'volunteer.state.readyReturning': 'Not running: you paused on an earlier visit.',
  'volunteer.state.ready': 'Not running. Nothing has been downloaded or computed.',
  'volunteer.state.starting': 'Starting…',
  'volunteer.state.running': '{count, plural, =0 {Running.} one {Running # unit.} other {Running # units.}}',
  'volunteer.state.waiting': 'Waiting for work: no units are available right now; checking again shortly.',
  'volunteer.state.paused': 'Paused. Nothing is running.',
  'volunteer.state.held': '{note}. It resumes by itself.',
  'volunteer.state.heldPlain': 'Paused',
  'volunteer.state.aside': ' {note}.',
  'volunteer.state.offline': 'Offline: finished results are kept and will be sent when the server is back.',
  'volunteer.state.elsewhere': 'Spare Cycles is running in another tab. Take over to run it here instead.',

  'volunteer.hold.saveData': 'Paused: your connection is set to save data',
  'volunteer.hold.battery': 'Paused: on battery ({percent}%)',
  'volunteer.hold.batteryFloor': 'Paused: on battery at {percent}%, below {floor}%',
  'volunteer.hold.notIdle': 'Paused: waiting until you switch away or leave this page idle',
  'volunteer.hold.slowed': 'Slowed to {percent}% of your setting: your computer is busy',
  'volunteer.hold.noProjects': 'Paused: choose at least one project to help',

  'volunteer.problem.unitFailed': 'A unit of {project} failed: {error}',
  'volunteer.problem.unitFailedUnknown': 'A unit of {project} failed: unknown error',
  'volunteer.problem.offline': 'The server cannot be reached ({message}); results are kept and sent later.',
  'volunteer.problem.startFailed': 'Could not start: {message}. Trying again shortly.',
  'volunteer.problem.other': 'Something went wrong: {message}',

  'volunteer.cpu.threads': 'Threads',
  'volunteer.cpu.threadsOption': '{n} of {cores}',
  'volunteer.cpu.share': 'CPU share',
  'volunteer.cpu.shareValue': "{percent} of each thread's time",
  'volunteer.cpu.hint': 'Each thread keeps one core busy {percent} of the time.',
  'volunteer.cpu.hintLowered':
    'Each thread keeps one core busy {percent} of the time; {effective} right now, as your computer is busy.',

  'volunteer.live.title': 'Right now',
  'volunteer.live.inFlight': '{count} in flight',
  'volunteer.live.pictureTitle': '{name}, drawn by volunteers',
  'volunteer.running.none': 'No unit is running right now.',
  'volunteer.running.progress': '{project} unit, {percent} done',
  'volunteer.throughput.summary':
    'Units finished per minute over the last {minutes} minutes: {total} in all, at most {peak} in one minute, {latest} this minute.',
  'volunteer.throughput.since': '{minutes} min ago',
  'volunteer.throughput.caption': 'Units per minute (peak {peak}) · now {latest}',

  'volunteer.contribution.title': 'Your contribution',
  'volunteer.contribution.youAre': 'You are {name} on this server.',
  'volunteer.contribution.noName': 'You get a random pseudonym when you start.',
  'volunteer.contribution.howValidated':
    "A result is validated, and credited, once another volunteer's copy of the same unit agrees with it.",
  'volunteer.contribution.pending': ' {count} waiting for a second opinion.',
  'volunteer.contribution.failed':
    ' {count, plural, one {# unit} other {# units}} failed here and were reported as errors.',
  'volunteer.contribution.historyTitle': 'Credit history',
  'volunteer.contribution.noIdentity': 'No credit yet: this browser has not started.',
  'volunteer.contribution.loadingReceipts': 'Loading your receipts…',
  'volunteer.contribution.showHistory': 'Show my credit history',
  'volunteer.contribution.receiptsError': 'Could not load your receipts: {message}',
  'volunteer.contribution.export': 'Export receipts',
  'volunteer.contribution.exportAbout':
    'Receipts are signed by the server, so anyone can check your credit without trusting us.',
  'volunteer.contribution.nothingToExport': 'Nothing to export: this browser has no pseudonym yet.',
  'volunteer.contribution.exportVerified':
    "Exported {count} receipts; each one checked here against the server's Ed25519 key.",
  'volunteer.contribution.exportFailed': 'Exported, but {bad} of {count} receipts did not verify (seq {seqs}).',
  'volunteer.contribution.exportUnchecked':
    'Exported. This browser cannot check Ed25519 signatures; the file has the key to check them elsewhere.',

  'volunteer.stats.unitsToday': 'Units today',
  'volunteer.stats.unitsDone': 'Units done',
  'volunteer.stats.cpuTime': 'CPU time',
  'volunteer.stats.uploaded': 'Uploaded',
  'volunteer.stats.validated': 'Validated',
  'volunteer.stats.credit': 'Credit',
  'volunteer.duration.seconds': '{s} s',
  'volunteer.duration.minutes': '{m} min {s} s',
  'volunteer.duration.hours': '{h} h {m} min',

  'volunteer.history.empty': "No credit yet: it comes once another volunteer's result agrees with yours.",
  'volunteer.history.total': '{total} credit in {count} signed {n, plural, one {receipt} other {receipts}}',
  'volunteer.history.line': 'Total credit over time, rising to {total}',
  'volunteer.history.caption': 'Credit per day',
  'volunteer.history.day': 'Day',
  'volunteer.history.units': 'Units',
  'volunteer.history.credit': 'Credit',

  'volunteer.forget.button': 'Forget me',
  'volunteer.forget.title': 'Forget me?',
  'volunteer.forget.intro': 'This stops computing at once, then:',
  'volunteer.forget.server': 'asks the server to forget your pseudonym and key, so that record can never act again;',
  'volunteer.forget.local':
    'deletes everything this site keeps in this browser: your identity, units in progress, results not yet sent, cached kernels, the offline copy and your settings.',
  'volunteer.forget.ledger':
    'Credit already granted stays in the public ledger under a random id that nothing links to you. This cannot be undone; export your receipts first if you want to keep them.',
  'volunteer.forget.cancel': 'Cancel',
  'volunteer.forget.busy': 'Forgetting…',
  'volunteer.forget.offline': 'The server cannot be reached, so nothing was deleted. Try again when you are online.',
  'volunteer.forget.refused': 'The server answered {status}, so nothing was deleted. Try again later.',

  'volunteer.projects.title': 'Projects you help',
  'volunteer.projects.loading': 'Loading the projects…',
  'volunteer.projects.none': 'No projects on this server yet.',
  'volunteer.projects.loadError': 'Could not load the projects: {message}',
  'volunteer.projects.counts': '{done} done · {inProgress} in progress · {waiting} waiting',
  'volunteer.projects.countsFailed': ' · {failed} failed',
  'volunteer.projects.noneChosen': 'Tick at least one project: with none chosen, nothing runs.',

  'volunteer.policies.title': 'When to run',
  'volunteer.policies.idle': "Only while I'm away",
  'volunteer.policies.idleHint': 'Runs while this tab is hidden or you have not touched it for a minute.',
  'volunteer.policies.battery': 'On battery',
  'volunteer.policies.batteryLow': 'Pause when the battery is low',
  'volunteer.policies.batteryAlways': 'Pause whenever it is not charging',
  'volunteer.policies.batteryIgnore': 'Keep running',
  'volunteer.policies.floor': 'below',
  'volunteer.policies.batteryHint':
    'Charging always counts as plugged in. Browsers without battery information keep running.',
  'volunteer.policies.pressure': 'Slow down when my computer is busy',
  'volunteer.policies.pressureHint':
    "Uses the browser's CPU pressure reading, where it has one, to halve the share or less.",
  'volunteer.policies.saveData': 'Run on a data-saving connection',
  'volunteer.policies.saveDataHint': 'Off by default: a connection set to save data usually costs money per megabyte.',

  'volunteer.update.ready': 'A new version is ready — Reload to update.',
  'volunteer.update.computing': ' Units in progress start again after the reload; nothing is lost.',
  'volunteer.update.reload': 'Reload',
};
