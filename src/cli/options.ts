// Options shared by every command that talks to a server.
import type { Command } from 'commander';
import { ApiClient, DEFAULT_SERVER, TOKEN_ENV } from './api-client.js';

export interface ServerOptions {
  server: string;
  token?: string;
  json?: boolean;
}

export function withServerOptions(command: Command): Command {
  return command
    .option('--server <url>', 'task server URL', process.env.SPARECYCLES_SERVER ?? DEFAULT_SERVER)
    .option('--token <token>', `publisher token (default: $${TOKEN_ENV})`)
    .option('--json', 'print exactly one JSON object on stdout');
}

export function clientFor(options: ServerOptions): ApiClient {
  return new ApiClient(options.server, options.token ?? process.env[TOKEN_ENV]);
}

export function printJson(value: unknown): void {
  process.stdout.write(JSON.stringify(value) + '\n');
}
