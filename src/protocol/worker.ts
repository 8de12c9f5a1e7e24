// Messages between the runtime and a kernel worker (carried by comlink in the browser and on
// Node). Errors cross the boundary as data so the pool can report them without guessing.

/** Memory a kernel may grow to before the watchdog stops it, unless the job says otherwise. */
export const DEFAULT_MAX_MEMORY_BYTES = 512 * 1024 * 1024;

export interface KernelJob {
  /** Set by the host: echoed in the job's progress and checkpoint calls, so a job queued behind
   * another is told apart from it. */
  id?: number;
  /** SHA-256 of the module, the worker's compile-cache key. */
  kernelHash: string;
  /** Which ABI the kernel follows (default sc1): sc1 exports, or a wasm32-wasi program. */
  abi?: string;
  /** The module's bytes; omitted when this worker has compiled that hash before. */
  kernel?: Uint8Array;
  input: Uint8Array;
  maxOutputBytes: number;
  /** Linear-memory ceiling (default DEFAULT_MAX_MEMORY_BYTES): past it the run fails with kind 'memory'. */
  maxMemoryBytes?: number;
  /** Last checkpoint of this unit, handed to the kernel's `resume` export before `run`. */
  resumeState?: Uint8Array;
}

export type KernelErrorKind = 'trap' | 'abort' | 'status' | 'abi' | 'output-too-large' | 'memory' | 'timeout' | 'crash';

export interface KernelFailure {
  kind: KernelErrorKind;
  message: string;
}

/**
 * `ranMs`: the worker's own wall time for the job, from when it began it (not when it was sent)
 * to its end; `restedMs`: the part of it spent blocked by the in-unit CPU throttle (not CPU time).
 */
export type KernelOutcome = ({ ok: true; output: Uint8Array } | { ok: false; error: KernelFailure }) & {
  ranMs?: number;
  restedMs?: number;
};

/** Where a job's progress and checkpoints go; `job` is the job's id, when it has one. */
export interface KernelCallbacks {
  progress(fraction: number, job?: number): void;
  checkpoint(state: Uint8Array, job?: number): void;
}

/** Slots of the optional shared control array passed to `connect`. */
export const CONTROL_STOP = 0;
/** CPU percent (1–100) the running kernel is duty-cycled to; 0 means "use setCpuPercent's value". */
export const CONTROL_CPU = 1;
export const CONTROL_SLOTS = 2;

/** What a kernel worker exposes. A worker runs one job at a time: a job sent while another runs
 * waits behind it and starts the moment it ends, with no round trip to the host in between. */
export interface KernelWorkerApi {
  /**
   * Sets, once per worker, where the running job's progress and checkpoints go. `control` is an
   * optional shared Int32Array (needs SharedArrayBuffer, i.e. cross-origin isolation):
   * slot CONTROL_STOP is set to 1 (and notified) by the host before terminating the worker, so
   * the kernel is unwound at its next progress report instead of running on (Chromium lets a
   * terminated busy worker run for up to two seconds); slot CONTROL_CPU, when present and
   * non-zero, is the live CPU percent, read at every progress report even mid-unit (a running
   * kernel blocks the worker's event loop, so messages reach it only between units).
   */
  connect(callbacks: KernelCallbacks, control?: Int32Array): void;
  /** CPU percent for in-unit duty-cycling; without a shared control slot it applies from the next unit. */
  setCpuPercent(percent: number): void;
  run(job: KernelJob): Promise<KernelOutcome>;
}
