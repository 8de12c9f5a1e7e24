// Voids leases past their deadline so their units are issued again. A stage of its own that
// only touches the store, so it can stop and resume at any moment.
import type { FastifyBaseLogger } from 'fastify';
import type { Store } from './store/store.js';

export function startTransitioner(
  store: Store,
  clock: () => number,
  log: FastifyBaseLogger,
  intervalMs = 1000,
): () => void {
  let running = false;
  const timer = setInterval(async () => {
    if (running) return;
    running = true;
    try {
      const expired = await store.expireLeases(clock());
      if (expired > 0) log.info({ expired }, 'expired leases re-issued');
    } catch (err) {
      log.error({ err }, 'lease expiry failed');
    } finally {
      running = false;
    }
  }, intervalMs);
  timer.unref();
  return () => clearInterval(timer);
}
