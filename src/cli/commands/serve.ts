import cluster from 'node:cluster';
import type { Command } from 'commander';
import { clusterRefusal, runClusterWorker, startCluster } from '../../server/cluster.js';
import { startServer } from '../../server/serve.js';
import { databaseUrlFrom } from '../../server/store/open-store.js';
import { redactUrl } from '../../server/store/postgres/pg-backend.js';
import { action, CliError, parseIntInRange, parsePort } from '../cli-error.js';

interface ServeFlags {
  port: number;
  dataDir: string;
  databaseUrl?: string;
  workers: number;
  demo?: boolean;
  quiet?: boolean;
}

export function registerServe(program: Command): void {
  program
    .command('serve')
    .description('run the task server and the volunteer page')
    .option(
      '--port <n>',
      'port to listen on, 0 for any free one (env PORT)',
      parsePort,
      parsePort(process.env.PORT ?? '8080'),
    )
    .option('--data-dir <dir>', 'where the SQLite database lives (env DATA_DIR)', process.env.DATA_DIR ?? './data')
    .option(
      '--database-url <url>',
      'use PostgreSQL (postgres://…) instead of SQLite; any number of servers may share it (env DATABASE_URL)',
    )
    .option(
      '--workers <n>',
      'server processes on the one port (PostgreSQL only for more than 1)',
      parseIntInRange('--workers', 1, 64),
      1,
    )
    .option('--demo', 'seed the demo projects on a fresh data dir')
    .option('--quiet', 'no request log')
    .action(
      action(async (options: ServeFlags) => {
        if (cluster.isWorker) return runClusterWorker();
        if (!Number.isInteger(options.port) || options.port > 65535)
          throw new Error(`--port must be 1-65535, got ${options.port}`);
        const databaseUrl = databaseUrlFrom(options.databaseUrl);
        const refusal = clusterRefusal({ workers: options.workers, databaseUrl });
        if (refusal) throw new CliError(refusal);
        const settings = {
          port: options.port,
          dataDir: options.dataDir,
          databaseUrl,
          demo: options.demo ?? false,
          logger: !options.quiet,
        };
        const server =
          options.workers > 1
            ? await startCluster({ ...settings, workers: options.workers })
            : await startServer(settings);
        const shown = server.url.replace('127.0.0.1', 'localhost');
        const where = databaseUrl ? `data in ${redactUrl(databaseUrl)}` : `data in ${options.dataDir}`;
        const processes = options.workers > 1 ? `, ${options.workers} server processes` : '';
        process.stderr.write(`Spare Cycles is serving ${shown} (${where}${processes})\n`);
        if (server.demoToken) {
          process.stderr.write(
            `Demo publisher token: ${server.demoToken}  (also in ${options.dataDir}/demo-token.txt)\n`,
          );
        }
        const shutdown = () => {
          if ('close' in server) void server.close().then(() => process.exit(0));
          else {
            server.stop();
            setTimeout(() => process.exit(0), 200).unref();
          }
        };
        process.once('SIGINT', shutdown);
        process.once('SIGTERM', shutdown);
      }),
    );
}
