// What to delete when storage is full. Pure, so it is tested without a browser. The rule: free
// what can be fetched or recomputed again, least valuable first, and never a result the server
// has not acknowledged (the outbox is not even offered), nor anything a running unit needs.

export type EvictableStore = 'kernels' | 'checkpoints' | 'units';

export interface StoredItem {
  store: EvictableStore;
  /** Kernel hash for kernels; lease id for checkpoints and units. */
  key: string;
  bytes: number;
  /** For units: the hash of the kernel they run. */
  kernel?: string;
}

export interface EvictionContext {
  /** Leases running now: their unit, checkpoint and kernel are kept. */
  running: ReadonlySet<string>;
  /** Bytes to free; the plan stops once it frees that much (0 or less: everything evictable). */
  needBytes: number;
}

/**
 * Orders what may go, by tier, largest first within a tier:
 * 1. kernels no buffered unit uses (pure cache);
 * 2. checkpoints of units not running (the unit just restarts from its beginning);
 * 3. kernels used only by buffered units that are not running (fetched again when needed);
 * 4. buffered units not running, i.e. prefetched inputs (their leases expire and are re-issued).
 * Returns the shortest prefix of that order that frees `needBytes`.
 */
export function planEviction(items: readonly StoredItem[], context: EvictionContext): StoredItem[] {
  const units = items.filter((item) => item.store === 'units');
  const runningKernels = new Set(units.filter((u) => context.running.has(u.key)).map((u) => u.kernel));
  const bufferedKernels = new Set(units.map((u) => u.kernel));
  const tier = (item: StoredItem): number => {
    if (item.store === 'kernels') {
      if (runningKernels.has(item.key)) return -1;
      return bufferedKernels.has(item.key) ? 3 : 1;
    }
    if (context.running.has(item.key)) return -1;
    return item.store === 'checkpoints' ? 2 : 4;
  };
  const ordered = items
    .map((item) => ({ item, tier: tier(item) }))
    .filter((entry) => entry.tier > 0)
    .sort((a, b) => a.tier - b.tier || b.item.bytes - a.item.bytes)
    .map((entry) => entry.item);
  if (context.needBytes <= 0) return ordered;
  const plan: StoredItem[] = [];
  let freed = 0;
  for (const item of ordered) {
    if (freed >= context.needBytes) break;
    plan.push(item);
    freed += item.bytes;
  }
  return plan;
}

/** True for the error a write gets when the origin is out of quota (directly or as a transaction's error). */
export function isQuotaError(err: unknown): boolean {
  const name = (err as { name?: unknown } | null)?.name;
  return name === 'QuotaExceededError' || (name === 'AbortError' && isQuotaError((err as { cause?: unknown }).cause));
}
