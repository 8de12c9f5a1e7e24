#!/usr/bin/env node
// The `sparecycles` command: serve, publish, inspect, and volunteer.
import { Command } from 'commander';
import { registerBatch } from './commands/batch.js';
import { registerKernel } from './commands/kernel.js';
import { registerLedger } from './commands/ledger.js';
import { registerMigrate } from './commands/migrate.js';
import { registerSite } from './commands/site.js';
import { registerProject } from './commands/project.js';
import { registerPublish } from './commands/publish.js';
import { registerResults } from './commands/results.js';
import { registerServe } from './commands/serve.js';
import { registerStatus } from './commands/status.js';
import { registerToken } from './commands/token.js';
import { registerVolunteer } from './commands/volunteer.js';
import { CliError } from './cli-error.js';

const program = new Command('sparecycles')
  .description('Spare Cycles: volunteer computing in the browser')
  .configureOutput({
    outputError: (text, write) =>
      write(`sparecycles: ${text.replace(/^error: /, '').trimEnd()} (run with --help for usage)\n`),
  });

registerServe(program);
registerToken(program);
registerProject(program);
registerKernel(program);
registerPublish(program);
registerBatch(program);
registerStatus(program);
registerResults(program);
registerVolunteer(program);
registerLedger(program);
registerSite(program);
registerMigrate(program);

try {
  await program.parseAsync(process.argv);
} catch (err) {
  // Option parsers throw CliError before any action runs.
  process.stderr.write(`sparecycles: ${err instanceof CliError ? err.message : String(err)}\n`);
  process.exitCode = 1;
}
