// What the volunteer page says went wrong, and whether the server seems out of reach: folded
// from the runtime's events and the info poller's outcomes, until things go right again.
import type { RuntimeEvent } from '../runtime/volunteer-runtime.js';
import type { InfoOutcome } from './info-poller.js';

export class SessionNotes {
  offline = false;
  problem: string | undefined;

  /** Notes what `event` says about connectivity and failures. */
  note(event: RuntimeEvent): void {
    switch (event.type) {
      case 'unit-start':
        this.offline = false;
        break;
      case 'unit-done':
        if (!event.ok) this.problem = `A unit of ${event.project} failed: ${event.error ?? 'unknown error'}`;
        break;
      case 'uploaded':
        if (this.offline) this.problem = undefined;
        this.offline = false;
        break;
      case 'offline':
        this.offline = true;
        this.problem = `The server cannot be reached (${event.message}); results are kept and sent later.`;
        break;
      case 'error':
        this.problem = event.message;
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
