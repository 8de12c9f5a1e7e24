import type { Command } from 'commander';
import { createPublisherToken } from '../../server/auth.js';
import { databaseUrlFrom, openStore } from '../../server/store/open-store.js';
import { action } from '../cli-error.js';
import { printJson } from '../options.js';

export function registerToken(program: Command): void {
  const token = program.command('token').description('publisher tokens');
  token
    .command('create')
    .description('create a publisher token directly in the data dir (no server needed)')
    .option('--data-dir <dir>', 'the server data dir (env DATA_DIR)', process.env.DATA_DIR ?? './data')
    .option('--database-url <url>', "the server's PostgreSQL database instead of the data dir (env DATABASE_URL)")
    .option('--json', 'print {"token"} on stdout')
    .action(
      action(async (options: { dataDir: string; databaseUrl?: string; json?: boolean }) => {
        const store = await openStore({ dataDir: options.dataDir, databaseUrl: databaseUrlFrom(options.databaseUrl) });
        try {
          const value = await createPublisherToken(store, Date.now());
          if (options.json) printJson({ token: value });
          else process.stdout.write(`${value}\n`);
        } finally {
          await store.close();
        }
      }),
    );
}
