// What the volunteer page says went wrong, and whether the server seems out of reach: folded
// from the runtime's events and the info poller's outcomes, until things go right again.
import type { RuntimeEvent } from '../runtime/volunteer-runtime.js';
import type { InfoOutcome } from './info-poller.js';
import type { Notice } from './notice.js';

export class SessionNotes {
  offline = false;
  problem: Notice | undefined;

  /** Notes what `event` says about connectivity and failures. */
  note(event: RuntimeEvent): void {
    switch (event.type) {
      case 'unit-start':
        this.offline = false;
        break;
      case 'unit-done':
        if (!event.ok) {
          this.problem = event.error
            ? { key: 'volunteer.problem.unitFailed', params: { project: event.project, error: event.error } }
            : { key: 'volunteer.problem.unitFailedUnknown', params: { project: event.project } };
        }
        break;
      case 'uploaded':
        if (this.offline) this.problem = undefined;
        this.offline = false;
        break;
      case 'offline':
        this.offline = true;
        this.problem = { key: 'volunteer.problem.offline', params: { message: event.message } };
        break;
      case 'error':
        this.problem = { key: 'volunteer.problem.other', params: { message: event.message } };
        break;
      default:
        break;
    }
  }

  infoArrived(outcome: InfoOutcome): void {
    if (outcome === 'ok' && this.offline) this.problem = undefined;
    if (outcome !== 'refused') this.offline = outcome === 'unreachable';
  }
}
