// Where the CLI's commands find the server: the default URL and token variable. The requests
// themselves go through the SDK's Client (options.ts, sdkFor).
import { CliError } from './cli-error.js';

export const DEFAULT_SERVER = 'http://localhost:8080';
export const TOKEN_ENV = 'SPARECYCLES_TOKEN';

/** Node may resolve "localhost" to ::1 while the server listens on 127.0.0.1 only. */
export function normaliseServer(server: string): string {
  let url: URL;
  try {
    url = new URL(server);
  } catch {
    throw new CliError(`--server must be a URL like http://localhost:8080, got "${server}"`);
  }
  if (url.hostname === 'localhost') url.hostname = '127.0.0.1';
  return url.origin;
}
