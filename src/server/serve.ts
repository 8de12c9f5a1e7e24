// Starts the task server on a data dir: opens the store, optionally seeds the demo, listens.
import { mkdirSync } from 'node:fs';
import type { FastifyInstance } from 'fastify';
import { buildApp } from './app.js';
import { PUBLIC_DIR } from './paths.js';
import { seedDemo } from './seed-demo.js';
import { localOrigins, seedDemoSite } from './seed-demo-site.js';
import { openStore } from './store/open-store.js';
import type { Store } from './store/store.js';

export interface ServeOptions {
  port: number;
  host?: string;
  dataDir: string;
  /** PostgreSQL instead of SQLite under `dataDir`. */
  databaseUrl?: string | undefined;
  demo?: boolean;
  /** With `demo`: seed the demo projects here (false where a cluster's primary already did). */
  seed?: boolean;
  publicDir?: string;
  logger?: boolean;
}

export interface RunningServer {
  url: string;
  app: FastifyInstance;
  store: Store;
  demoToken?: string;
  close(): Promise<void>;
}

export async function startServer(options: ServeOptions): Promise<RunningServer> {
  mkdirSync(options.dataDir, { recursive: true });
  const store = await openStore(options);
  let demoToken: string | undefined;
  try {
    // A ledger from before schema 5, or one whose newest head was lost, gets its head first.
    await store.sealLedger(Date.now());
    if (options.demo && options.seed !== false) demoToken = (await seedDemo(store, options.dataDir)).token;
  } catch (err) {
    await store.close();
    throw err;
  }
  const app = await buildApp({
    store,
    dataDir: options.dataDir,
    publicDir: options.publicDir ?? PUBLIC_DIR,
    logger: options.logger ?? false,
  });
  app.addHook('onClose', async () => store.close());
  await app.listen({ port: options.port, host: options.host ?? '127.0.0.1' });
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : options.port;
  // The demo widget site allows this server's own origins; the port is known only now.
  if (options.demo) await seedDemoSite(store, options.dataDir, localOrigins(port));
  const server: RunningServer = {
    url: `http://127.0.0.1:${port}`,
    app,
    store,
    close: () => app.close(),
  };
  if (demoToken) server.demoToken = demoToken;
  return server;
}
