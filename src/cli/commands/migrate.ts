// `sparecycles migrate --from <sqlite file or data dir> --to postgres://…`: moves a SQLite
// deployment onto PostgreSQL (see src/server/store/copy-store.ts), with a progress bar.
import type { Command } from 'commander';
import { copySqliteToPostgres, type CopySummary } from '../../server/store/copy-store.js';
import { action } from '../cli-error.js';
import { printJson } from '../options.js';
import { progressBar, type Progress } from '../progress.js';

interface MigrateFlags {
  from: string;
  to: string;
  json?: boolean;
}

function describe(summary: CopySummary): string {
  const tables = Object.entries(summary.tables)
    .map(([table, n]) => `${table} ${n}`)
    .join(', ');
  const key =
    summary.ledgerKey === 'none' ? 'no ledger key (the source had no ledger)' : `ledger key from ${summary.ledgerKey}`;
  return (
    `copied ${summary.rows} rows from ${summary.from} to ${summary.to} (${tables}); ${key}\n` +
    `check it: sparecycles ledger verify --database-url <url>\n`
  );
}

export function registerMigrate(program: Command): void {
  program
    .command('migrate')
    .description('copy a whole SQLite deployment into an empty PostgreSQL database (one transaction)')
    .requiredOption('--from <path>', 'the SQLite file, or the data dir holding sparecycles.db and server-key.pem')
    .requiredOption('--to <url>', 'the empty PostgreSQL database (postgres://…); refused if it holds anything')
    .option('--json', 'print {"tables":{…},"rows",…} on stdout')
    .addHelpText(
      'after',
      '\nStop the SQLite server first: what it writes after the copy starts is not copied. Ids, the\n' +
        'ledger and its key (server-key.pem, into settings ledger_key) are kept, so old receipts verify.',
    )
    .action(
      action(async (options: MigrateFlags) => {
        let bar: Progress | undefined;
        try {
          const summary = await copySqliteToPostgres({
            from: options.from,
            to: options.to,
            onProgress: (copied, total) => {
              bar ??= progressBar('copying', total, 'rows');
              bar.update(copied, total);
            },
          });
          bar?.stop();
          bar = undefined;
          if (options.json) printJson(summary);
          else process.stdout.write(describe(summary));
        } finally {
          bar?.stop();
        }
      }),
    );
}
