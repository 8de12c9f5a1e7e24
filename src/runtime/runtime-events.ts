// What a VolunteerRuntime tells its listeners (the page, the CLI's progress bar, tests).
import type { Lease, SubmitAck } from '../protocol/api.js';

export type RuntimeState = 'stopped' | 'running' | 'idle' | 'finished';

export type RuntimeEvent =
  | { type: 'state'; state: RuntimeState }
  | { type: 'unit-start'; lease: Lease }
  | { type: 'unit-progress'; lease: string; fraction: number }
  /** The kernel finished and the thread moves on; the result is being stored (unit-done follows once it is). */
  | { type: 'unit-computed'; lease: string }
  /** The unit's result is durably in the outbox, waiting to be uploaded (`output`: its bytes, when it succeeded). */
  | {
      type: 'unit-done';
      lease: string;
      unit: string;
      project: string;
      ok: boolean;
      error?: string;
      output?: Uint8Array;
      elapsedMs: number;
      finishedAt: number;
    }
  /** A unit left unfinished (paused, or its kernel could not be fetched); it stays buffered. */
  | { type: 'unit-stopped'; lease: string; reason: string }
  | { type: 'uploaded'; acks: SubmitAck[] }
  | { type: 'offline'; message: string }
  | { type: 'error'; message: string };

export interface RuntimeStats {
  completed: number;
  failed: number;
  uploaded: number;
  leased: number;
}
