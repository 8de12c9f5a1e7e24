// The units running right now (with their progress) and the lasting tally of finished ones,
// folded from the runtime's unit events.
import type { RuntimeEvent } from '../runtime/volunteer-runtime.js';
import type { RunningUnit } from './session-snapshot.js';
import { loadTally, recordUnit, saveTally, type WorkTally } from './work-tally.js';

export class WorkLog {
  private readonly running = new Map<string, RunningUnit>();
  private current: WorkTally = loadTally();

  get units(): RunningUnit[] {
    return [...this.running.values()];
  }

  get tally(): WorkTally {
    return this.current;
  }

  /** Every unit stopped (pause, a policy, a new runtime): none is running any more. */
  clear(): void {
    this.running.clear();
  }

  note(event: RuntimeEvent): void {
    switch (event.type) {
      case 'unit-start':
        this.running.set(event.lease.lease, {
          lease: event.lease.lease,
          project: event.lease.project,
          fraction: 0,
          startedAt: Date.now(),
        });
        break;
      case 'unit-progress': {
        const unit = this.running.get(event.lease);
        if (unit) this.running.set(event.lease, { ...unit, fraction: event.fraction });
        break;
      }
      case 'unit-stopped':
        this.running.delete(event.lease);
        break;
      case 'unit-done':
        this.running.delete(event.lease);
        this.current = recordUnit(this.current, { ok: event.ok, elapsedMs: event.elapsedMs, at: Date.now() });
        saveTally(this.current);
        break;
      default:
        break;
    }
  }
}
