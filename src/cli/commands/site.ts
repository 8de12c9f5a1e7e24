import { randomBytes } from 'node:crypto';
import type { Command } from 'commander';
import { databaseUrlFrom, openStore } from '../../server/store/open-store.js';
import { action, CliError } from '../cli-error.js';
import { printJson } from '../options.js';

/** An origin is scheme://host[:port], exactly as a browser reports it in postMessage events. */
export function parseOrigin(value: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new CliError(`--origin must be an origin like https://example.org, got "${value}"`);
  }
  if (!['http:', 'https:'].includes(url.protocol) || url.origin === 'null') {
    throw new CliError(`--origin must be an http(s) origin, got "${value}"`);
  }
  if (url.pathname !== '/' || url.search || url.hash || value.replace(/\/$/, '') !== url.origin) {
    throw new CliError(`--origin is an origin only (scheme, host and port), like ${url.origin}; got "${value}"`);
  }
  return url.origin;
}

export function registerSite(program: Command): void {
  const site = program.command('site').description('site keys for the embeddable widget');
  site
    .command('create')
    .description('make a site key for the widget, locally on the data dir (no server needed)')
    .requiredOption('--origin <url...>', 'origin(s) allowed to embed the widget, e.g. https://example.org')
    .option('--name <name>', "shown on the leaderboard (default: the first origin's host)")
    .option('--data-dir <dir>', 'the server data dir (env DATA_DIR)', process.env.DATA_DIR ?? './data')
    .option('--database-url <url>', "the server's PostgreSQL database instead of the data dir (env DATABASE_URL)")
    .option('--json', 'print {"key","origins"} on stdout')
    .action(
      action(
        async (options: { origin: string[]; name?: string; dataDir: string; databaseUrl?: string; json?: boolean }) => {
          const origins = [...new Set(options.origin.map(parseOrigin))];
          const name = (options.name ?? new URL(origins[0]!).host).slice(0, 100);
          const key = 'sck_' + randomBytes(12).toString('base64url');
          const store = await openStore({
            dataDir: options.dataDir,
            databaseUrl: databaseUrlFrom(options.databaseUrl),
          });
          try {
            await store.createSite({ key, name, origins }, Date.now());
          } finally {
            await store.close();
          }
          if (options.json) printJson({ key, origins });
          else process.stdout.write(`${key}\n`);
        },
      ),
    );
}
