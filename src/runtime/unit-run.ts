// One unit on its way through a kernel thread: sent to a lane (perhaps queued behind the unit
// running there), then completed: its outcome queued for the outbox, its checkpoints dropped,
// or kept when a pause cut it short so that it resumes from them.
import type { Lease } from '../protocol/api.js';
import { MAX_OUTPUT_BYTES } from '../protocol/abi.js';
import { base64ToBytes } from '../protocol/encoding.js';
import type { KernelOutcome } from '../protocol/worker.js';
import { CheckpointWriter } from './checkpoint-writer.js';
import type { KernelCache } from './kernel-cache.js';
import type { RuntimeStore } from './ports.js';
import type { ResultWriter } from './result-writer.js';
import type { RuntimeEvent } from './runtime-events.js';
import type { Lane } from './worker-pool.js';

export interface UnitRunContext {
  store: RuntimeStore;
  kernels: KernelCache;
  results: ResultWriter;
  maxMemoryBytes: number;
  checkpointIntervalMs: number;
  now(): number;
  emit(event: RuntimeEvent): void;
}

export interface UnitTimes {
  /** Time the kernel computed (its run, less the rests the in-unit throttle took). */
  busyMs: number;
  /** Time the kernel spent resting inside the unit. */
  restedMs: number;
  ok: boolean;
}

export class UnitRun {
  private constructor(
    readonly lease: Lease,
    private readonly outcome: Promise<KernelOutcome>,
    private readonly checkpoints: CheckpointWriter,
    private readonly sentAt: number,
    private readonly context: UnitRunContext,
  ) {}

  /** Sends `lease` to `lane`, from its stored checkpoint when `resumable`. Throws when its kernel cannot be had. */
  static async send(lane: Lane, lease: Lease, resumable: boolean, context: UnitRunContext): Promise<UnitRun> {
    const kernel = await context.kernels.get(lease.kernel);
    const resumeState = resumable ? await context.store.getCheckpoint(lease.lease) : undefined;
    const checkpoints = new CheckpointWriter(context.store, lease.lease, {
      intervalMs: context.checkpointIntervalMs,
      now: context.now,
      onError: (error) => context.emit({ type: 'error', message: `cannot store a checkpoint: ${error.message}` }),
    });
    const outcome = lane.run(
      {
        kernelHash: lease.kernel,
        abi: lease.abi,
        kernel,
        input: base64ToBytes(lease.input),
        maxOutputBytes: MAX_OUTPUT_BYTES,
        maxMemoryBytes: context.maxMemoryBytes,
        ...(resumeState ? { resumeState } : {}),
      },
      { timeoutMs: lease.maxRunSeconds * 1000 },
      {
        progress: (fraction) => context.emit({ type: 'unit-progress', lease: lease.lease, fraction }),
        checkpoint: (state) => checkpoints.offer(state),
      },
    );
    // A queued unit may be stopped before anyone waits for it: that is not an unhandled failure.
    outcome.catch(() => {});
    return new UnitRun(lease, outcome, checkpoints, context.now(), context);
  }

  /** Waits for the kernel and queues its outcome for the outbox. Rejects with AbortError when
   * the pool was stopped (a pause), after storing the unit's latest checkpoint. */
  async complete(): Promise<UnitTimes> {
    let outcome: KernelOutcome;
    try {
      outcome = await this.outcome;
    } catch (err) {
      await this.checkpoints.flush();
      throw err;
    }
    await this.checkpoints.discard();
    const restedMs = outcome.restedMs ?? 0;
    // The worker's own clock when it answered: the wait behind another unit is not this one's time.
    const ranMs = outcome.ranMs ?? this.context.now() - this.sentAt;
    const busyMs = Math.max(0, ranMs - restedMs);
    this.context.emit({ type: 'unit-computed', lease: this.lease.lease });
    this.context.results.write({
      lease: this.lease.lease,
      unit: this.lease.unit,
      project: this.lease.project,
      elapsedMs: busyMs,
      finishedAt: this.context.now(),
      ...(outcome.ok ? { output: outcome.output } : { error: outcome.error.message }),
    });
    return { busyMs, restedMs, ok: outcome.ok };
  }

  /** Whether the pause that stopped it left a checkpoint to resume from. */
  get checkpointed(): boolean {
    return this.checkpoints.written > 0;
  }
}
