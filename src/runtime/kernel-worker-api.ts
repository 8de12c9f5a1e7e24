// The object a kernel worker exposes over comlink: compiles each kernel once per thread, runs
// jobs with the kernel host, and duty-cycles long units from inside their progress reports.
import {
  CONTROL_CPU,
  CONTROL_STOP,
  type KernelCallbacks,
  type KernelJob,
  type KernelOutcome,
  type KernelWorkerApi,
} from '../protocol/worker.js';
import { runKernel } from './kernel-host.js';
import { chooseKernelVariant } from './kernel-variant.js';
import { runWasiKernel } from './wasi-host.js';
import { checkCpuPercent, restAfter } from './throttle.js';

export const PROGRESS_INTERVAL_MS = 250;
/** Least time between two checkpoints forwarded to the host. */
export const CHECKPOINT_FORWARD_MS = 500;
/** Busy time gathered before the in-unit throttle blocks: shorter slices would cost more than they save. */
export const MIN_BUSY_SLICE_MS = 20;
/**
 * Units shorter than this are left to the gaps between units (throttle.ts): only a long unit is
 * duty-cycled from inside, starting with a rest that pays for all its work so far. Short units
 * then keep running at full speed and the thread stays idle between them.
 */
export const LONG_UNIT_MS = 3000;

export interface KernelWorkerApiOptions {
  /** Busy time after which a unit counts as long (default LONG_UNIT_MS). */
  longUnitMs?: number;
  /** Least time between two checkpoints forwarded to the host (default CHECKPOINT_FORWARD_MS). */
  checkpointForwardMs?: number;
  /** Least time between two progress reports forwarded to the host (default PROGRESS_INTERVAL_MS). */
  progressIntervalMs?: number;
  /** Run a kernel's `sc.fallback` build (its scalar one) even where the engine has SIMD. */
  preferFallback?: boolean;
}

/** A way to block this thread (Atomics.wait on shared memory), or undefined where there is none. */
function privateWaitCell(): Int32Array | undefined {
  return typeof SharedArrayBuffer === 'function' ? new Int32Array(new SharedArrayBuffer(4)) : undefined;
}

export function createKernelWorkerApi({
  longUnitMs = LONG_UNIT_MS,
  checkpointForwardMs = CHECKPOINT_FORWARD_MS,
  progressIntervalMs = PROGRESS_INTERVAL_MS,
  preferFallback = false,
}: KernelWorkerApiOptions = {}): KernelWorkerApi {
  const modules = new Map<string, Promise<WebAssembly.Module>>();
  let callbacks: KernelCallbacks = { progress() {}, checkpoint() {} };
  let control: Int32Array | undefined;
  let cpuPercent = 100;
  const waitCell = privateWaitCell();
  let queue: Promise<void> = Promise.resolve();
  const checkStop = () => {
    if (control && Atomics.load(control, CONTROL_STOP) !== 0) throw new Error('stopped by the host');
  };
  const currentPercent = () => {
    const shared = control && control.length > CONTROL_CPU ? Atomics.load(control, CONTROL_CPU) : 0;
    return shared > 0 ? shared : cpuPercent;
  };

  /**
   * In-unit duty cycle: after `busy` ms of work, blocks for busy·(100/p − 1) ms. It waits on the
   * host's stop slot when there is one, so a pause (or a CPU change, which the host notifies)
   * wakes it at once. Returns the time spent blocked.
   */
  const rest = (busy: number): number => {
    const cell = control ?? waitCell;
    if (!cell) return 0;
    const slot = control ? CONTROL_STOP : 0;
    const started = performance.now();
    for (;;) {
      checkStop();
      const remaining = restAfter(busy, currentPercent()) - (performance.now() - started);
      if (remaining <= 0) break;
      Atomics.wait(cell, slot, 0, remaining);
    }
    return performance.now() - started;
  };

  return {
    connect(listener: KernelCallbacks, controlArray?: Int32Array): void {
      callbacks = listener;
      control = controlArray;
    },
    setCpuPercent(percent: number): void {
      cpuPercent = checkCpuPercent(percent);
    },
    run(job: KernelJob): Promise<KernelOutcome> {
      // One at a time, in the order sent: a queued job starts as soon as the one before ends.
      const outcome = queue.then(() => runOne(job));
      queue = outcome.then(
        () => undefined,
        () => undefined,
      );
      return outcome;
    },
  };

  async function runOne(job: KernelJob): Promise<KernelOutcome> {
    const began = performance.now();
    let compiled = modules.get(job.kernelHash);
    if (!compiled) {
      if (!job.kernel) {
        return { ok: false, error: { kind: 'crash', message: `worker has no module for kernel ${job.kernelHash}` } };
      }
      // A SIMD kernel in an engine without SIMD runs its scalar build (same output, slower).
      const { bytes } = chooseKernelVariant(job.kernel, preferFallback);
      compiled = WebAssembly.compile(bytes as Uint8Array<ArrayBuffer>);
      modules.set(job.kernelHash, compiled);
    }
    let module: WebAssembly.Module;
    try {
      module = await compiled;
    } catch (err) {
      modules.delete(job.kernelHash);
      return { ok: false, error: { kind: 'abi', message: `kernel does not compile: ${(err as Error).message}` } };
    }
    let restedMs = 0;
    const started = performance.now();
    let busySince = started;
    // Kernels may report progress in a tight loop; crossing threads that often would cost more
    // than the work, so forward at most one report per interval (none at all for a short unit).
    let lastReport = Date.now();
    const progress = (fraction: number) => {
      checkStop();
      const clock = performance.now();
      if (currentPercent() >= 100) busySince = clock;
      else if (clock - busySince >= MIN_BUSY_SLICE_MS && clock - started - restedMs >= longUnitMs) {
        restedMs += rest(clock - busySince);
        busySince = performance.now();
      }
      const now = Date.now();
      if (now - lastReport < progressIntervalMs) return;
      lastReport = now;
      void callbacks.progress(fraction, job.id);
    };
    // Kernels may checkpoint dozens of times a second; the host stores one every few seconds, so
    // only the latest state per interval crosses threads (a pause loses at most that much work).
    let lastCheckpoint = Date.now();
    const checkpoint = (state: Uint8Array) => {
      checkStop();
      const now = Date.now();
      if (now - lastCheckpoint < checkpointForwardMs) return;
      lastCheckpoint = now;
      void callbacks.checkpoint(state, job.id);
    };
    const host = job.abi === 'wasi' ? runWasiKernel : runKernel;
    const outcome = await host(
      module,
      job.input,
      {
        maxOutputBytes: job.maxOutputBytes,
        maxMemoryBytes: job.maxMemoryBytes,
        resumeState: job.resumeState,
      },
      { progress, checkpoint },
    );
    const ranMs = performance.now() - began;
    return restedMs > 0 ? { ...outcome, ranMs, restedMs } : { ...outcome, ranMs };
  }
}
