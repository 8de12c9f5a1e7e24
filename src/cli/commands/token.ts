import type { Command } from 'commander';
import { createPublisherToken } from '../../server/auth.js';
import { openStore } from '../../server/serve.js';
import { action } from '../cli-error.js';
import { printJson } from '../options.js';

export function registerToken(program: Command): void {
  const token = program.command('token').description('publisher tokens');
  token
    .command('create')
    .description('create a publisher token directly in the data dir (no server needed)')
    .option('--data-dir <dir>', 'the server data dir (env DATA_DIR)', process.env.DATA_DIR ?? './data')
    .option('--json', 'print {"token"} on stdout')
    .action(
      action(async (options: { dataDir: string; json?: boolean }) => {
        const store = openStore(options.dataDir);
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
