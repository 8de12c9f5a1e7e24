import type { Command } from 'commander';
import { startServer } from '../../server/serve.js';
import { action, parsePort } from '../cli-error.js';

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
    .option('--demo', 'seed the demo projects on a fresh data dir')
    .option('--quiet', 'no request log')
    .action(
      action(async (options: { port: number; dataDir: string; demo?: boolean; quiet?: boolean }) => {
        if (!Number.isInteger(options.port) || options.port > 65535)
          throw new Error(`--port must be 1-65535, got ${options.port}`);
        const server = await startServer({
          port: options.port,
          dataDir: options.dataDir,
          demo: options.demo ?? false,
          logger: !options.quiet,
        });
        const shown = server.url.replace('127.0.0.1', 'localhost');
        process.stderr.write(`Spare Cycles is serving ${shown} (data in ${options.dataDir})\n`);
        if (server.demoToken) {
          process.stderr.write(
            `Demo publisher token: ${server.demoToken}  (also in ${options.dataDir}/demo-token.txt)\n`,
          );
        }
        const shutdown = () => {
          void server.close().then(() => process.exit(0));
        };
        process.once('SIGINT', shutdown);
        process.once('SIGTERM', shutdown);
      }),
    );
}
