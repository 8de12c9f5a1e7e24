// The units running right now (with their progress) and the lasting tally of finished ones,
// folded from the runtime's unit events.
import type { RuntimeEvent } from '../runtime/volunteer-runtime.js';
import type { RunningUnit } from './session-snapshot.js';
import { emptyTally, loadTally, recordUnit, saveTally, type WorkTally } from './work-tally.js';

/** The tally is saved at most this often while units finish (and when the page goes away). */
const SAVE_DELAY_MS = 2000;

export class WorkLog {
  private readonly running = new Map<string, RunningUnit>();
  private current: WorkTally = loadTally();
  private saveTimer: ReturnType<typeof setTimeout> | undefined;
  /** Units recorded since the last save. */
  private dirty = false;

  constructor() {
    globalThis.addEventListener?.('pagehide', () => this.save());
  }

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
      case 'unit-computed':
        this.running.delete(event.lease);
        break;
      case 'unit-done':
        this.running.delete(event.lease);
        this.current = recordUnit(this.current, { ok: event.ok, elapsedMs: event.elapsedMs, at: Date.now() });
        this.dirty = true;
        this.saveTimer ??= setTimeout(() => this.save(), SAVE_DELAY_MS);
        break;
      default:
        break;
    }
  }

  /** Writes the tally now (units can finish many times a second; localStorage need not follow each). */
  save(): void {
    clearTimeout(this.saveTimer);
    this.saveTimer = undefined;
    if (!this.dirty) return;
    this.dirty = false;
    saveTally(this.current);
  }

  /** The volunteer asked to be forgotten: nothing recorded so far is written again. */
  forget(): void {
    clearTimeout(this.saveTimer);
    this.saveTimer = undefined;
    this.dirty = false;
    this.current = emptyTally();
  }
}
