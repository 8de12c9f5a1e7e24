// What a VolunteerRuntime is built from, checked up front: a bad option throws a RangeError
// that names it, before anything is leased or started.
import type { RuntimeStore, Transport, WorkerFactory } from './ports.js';
import { checkCpuPercent } from './throttle.js';

export interface RuntimeOptions {
  transport: Transport;
  store: RuntimeStore;
  workers: WorkerFactory;
  threads: number;
  /** Share of each thread's time spent computing, 1–100 (default 100): the rest is idle gaps between units. */
  cpuPercent?: number;
  /** Only work for these projects (all when empty). */
  projects?: string[];
  /** Stop leasing after this many units; finish once they are uploaded. */
  maxUnits?: number;
  /** Finish when the server has no work and everything is uploaded. */
  exitWhenIdle?: boolean;
  /** Site key the volunteer registers through (widget attribution). */
  site?: string;
  /** Units leased beyond one per thread, so a thread never waits on the network. */
  prefetch?: number;
  /** At most this many units leased beyond one per thread, however short the units. */
  maxPrefetch?: number;
  idlePollMs?: { min: number; max: number };
  /** Memory a kernel may grow to before the watchdog stops it (default 512 MiB). */
  maxMemoryBytes?: number;
  /** Least time between two stored checkpoints of one unit (default 2000 ms); the latest one wins. */
  checkpointIntervalMs?: number;
  now?: () => number;
}

export function checkRuntimeOptions(options: RuntimeOptions): void {
  if (!Number.isInteger(options.threads) || options.threads < 1 || options.threads > 256) {
    throw new RangeError(`threads must be an integer from 1 to 256, got ${options.threads}`);
  }
  if (options.maxUnits !== undefined && (!Number.isInteger(options.maxUnits) || options.maxUnits < 1)) {
    throw new RangeError(`maxUnits must be a positive integer, got ${options.maxUnits}`);
  }
  if (options.cpuPercent !== undefined) checkCpuPercent(options.cpuPercent);
  if (options.maxPrefetch !== undefined && (!Number.isInteger(options.maxPrefetch) || options.maxPrefetch < 1)) {
    throw new RangeError(`maxPrefetch must be a positive integer, got ${options.maxPrefetch}`);
  }
  const { maxMemoryBytes, checkpointIntervalMs } = options;
  if (maxMemoryBytes !== undefined && (!Number.isInteger(maxMemoryBytes) || maxMemoryBytes < 65536)) {
    throw new RangeError(`maxMemoryBytes must be an integer of at least 65536, got ${maxMemoryBytes}`);
  }
  if (checkpointIntervalMs !== undefined && !(checkpointIntervalMs >= 0)) {
    throw new RangeError(`checkpointIntervalMs must be a non-negative number, got ${checkpointIntervalMs}`);
  }
}
