// Options shared by every command that talks to a server.
import type { Command } from 'commander';
import { Client } from '../sdk/client.js';
import { DEFAULT_SERVER, normaliseServer, TOKEN_ENV } from './api-client.js';
import { CliError } from './cli-error.js';

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

export function printJson(value: unknown): void {
  process.stdout.write(JSON.stringify(value) + '\n');
}

/** The SDK's client for a command that needs a publisher token. */
export function sdkFor(options: ServerOptions): Client {
  const token = options.token ?? process.env[TOKEN_ENV];
  const server = normaliseServer(options.server);
  if (!token) throw new CliError(`a publisher token is needed: pass --token or set ${TOKEN_ENV}`);
  return new Client({ server, token });
}
