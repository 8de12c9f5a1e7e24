// What every route and stage of the server shares.
import type { Store } from './store/store.js';

export interface ServerContext {
  store: Store;
  clock: () => number;
}
