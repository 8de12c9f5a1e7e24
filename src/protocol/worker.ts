// Messages between the runtime and a kernel worker (carried by comlink in the browser and on
// Node). Errors cross the boundary as data so the pool can report them without guessing.

export interface KernelJob {
  /** SHA-256 of the module, the worker's compile-cache key. */
  kernelHash: string;
  /** Which ABI the kernel follows (default sc1): sc1 exports, or a wasm32-wasi program. */
  abi?: string;
  /** The module's bytes; omitted when this worker has compiled that hash before. */
  kernel?: Uint8Array;
  input: Uint8Array;
  maxOutputBytes: number;
  /** Last checkpoint of this unit, handed to the kernel's `resume` export before `run`. */
  resumeState?: Uint8Array;
}

export type KernelErrorKind = 'trap' | 'abort' | 'status' | 'abi' | 'output-too-large' | 'timeout' | 'crash';

export interface KernelFailure {
  kind: KernelErrorKind;
  message: string;
}

export type KernelOutcome = { ok: true; output: Uint8Array } | { ok: false; error: KernelFailure };

export interface KernelCallbacks {
  progress(fraction: number): void;
  checkpoint(state: Uint8Array): void;
}

/** What a kernel worker exposes. A worker runs one job at a time. */
export interface KernelWorkerApi {
  /**
   * Sets, once per worker, where the running job's progress and checkpoints go. `stop` is an
   * optional shared flag the host sets to 1 before terminating the worker: the kernel is
   * unwound at its next progress report instead of running on (Chromium lets a terminated
   * busy worker run for up to two seconds). Needs SharedArrayBuffer (cross-origin isolation).
   */
  connect(callbacks: KernelCallbacks, stop?: Int32Array): void;
  run(job: KernelJob): Promise<KernelOutcome>;
}
