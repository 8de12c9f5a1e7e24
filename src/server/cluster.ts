// `serve --workers N`: N server processes on one port (node:cluster, connections shared round
// robin by the primary) against one PostgreSQL database. The primary brings the schema up to
// date and seeds the demo before any worker starts, then only forks, watches and restarts
// workers; every request is served by a worker, and no worker holds state the others lack.
import cluster from 'node:cluster';
import { seedDemo } from './seed-demo.js';
import { startServer, type ServeOptions } from './serve.js';
import { openStore } from './store/open-store.js';

export interface ClusterOptions extends ServeOptions {
  workers: number;
}

/** Why these options cannot run as several processes, or undefined when they can. */
export function clusterRefusal(options: { workers: number; databaseUrl?: string | undefined }): string | undefined {
  if (options.workers > 1 && !options.databaseUrl) {
    return (
      `--workers ${options.workers} needs PostgreSQL (--database-url or DATABASE_URL): ` +
      'a SQLite file is written by one server process at a time'
    );
  }
  return undefined;
}

const RESTART_DELAY_MS = 500;

/** In the primary: prepares the store, forks the workers, and resolves once all are listening. */
export async function startCluster(
  options: ClusterOptions,
): Promise<{ url: string; demoToken?: string; stop(): void }> {
  const store = await openStore(options);
  let demoToken: string | undefined;
  try {
    if (options.demo) demoToken = (await seedDemo(store, options.dataDir)).token;
  } finally {
    await store.close();
  }
  let stopping = false;
  const fork = () => cluster.fork({ SC_CLUSTER_OPTIONS: JSON.stringify(options) });
  return new Promise((resolve, reject) => {
    let listening = 0;
    let port = options.port;
    cluster.on('listening', (_worker, address) => {
      port = address.port;
      if (++listening === options.workers) {
        const result = {
          url: `http://127.0.0.1:${port}`,
          stop: () => {
            stopping = true;
            for (const worker of Object.values(cluster.workers ?? {})) worker?.process.kill('SIGTERM');
          },
        };
        resolve(demoToken ? { ...result, demoToken } : result);
      }
    });
    cluster.on('exit', (worker, code, signal) => {
      if (stopping) return;
      if (listening < options.workers) {
        reject(new Error(`a server process exited while starting (${signal ?? `exit ${code}`})`));
        return;
      }
      process.stderr.write(
        `server process ${worker.process.pid} ended (${signal ?? `exit ${code}`}); starting another\n`,
      );
      // The port is known now: a restarted worker must take the same one, not a new free port.
      options = { ...options, port };
      setTimeout(() => !stopping && fork(), RESTART_DELAY_MS);
    });
    for (let i = 0; i < options.workers; i++) fork();
  });
}

/** In a worker: serves on the shared port until told to stop. */
export async function runClusterWorker(): Promise<void> {
  const options = JSON.parse(process.env.SC_CLUSTER_OPTIONS!) as ClusterOptions;
  // The primary seeded the demo; a worker only adds its origins to the demo site.
  const server = await startServer({ ...options, demo: options.demo ?? false, seed: false });
  const stop = () => void server.close().then(() => process.exit(0));
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}
