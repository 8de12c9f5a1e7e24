// Something the page has to tell the volunteer, kept as a message key and its arguments rather
// than as text, so it is said in whichever language the page speaks when it is shown.
import type { PolicyNote } from '../runtime/policies.js';
import type { AppKey } from './i18n/app-catalogues.js';
import type { MessageParams } from './i18n/message-format.js';

export interface Notice {
  key: AppKey;
  params?: MessageParams;
}

/** Why the run is held or slowed: a run policy, or no project chosen. */
export type HoldNote = PolicyNote | { kind: 'no-projects' };

/** The hold as a notice, for the state line. */
export function holdNotice(note: HoldNote): Notice {
  switch (note.kind) {
    case 'save-data':
      return { key: 'volunteer.hold.saveData' };
    case 'battery':
      return { key: 'volunteer.hold.battery', params: { percent: note.percent } };
    case 'battery-floor':
      return { key: 'volunteer.hold.batteryFloor', params: { percent: note.percent, floor: note.floor } };
    case 'not-idle':
      return { key: 'volunteer.hold.notIdle' };
    case 'slowed':
      return { key: 'volunteer.hold.slowed', params: { percent: note.percent } };
    case 'no-projects':
      return { key: 'volunteer.hold.noProjects' };
  }
}

/** An error that also says, as a notice, what the volunteer should read. */
export class NoticeError extends Error {
  constructor(
    readonly notice: Notice,
    message: string,
  ) {
    super(message);
  }
}

/** What to show for any error: its own notice, or its message as "something went wrong". */
export function errorNotice(err: unknown): Notice {
  if (err instanceof NoticeError) return err.notice;
  return { key: 'volunteer.problem.other', params: { message: (err as Error).message } };
}
