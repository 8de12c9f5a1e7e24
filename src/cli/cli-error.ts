// A failure the user can act on: printed as one line on stderr, exit code 1.
import { InvalidArgumentError } from 'commander';

export class CliError extends Error {
  override readonly name = 'CliError';
}

/** Wraps a command action so any error ends as one clear line and a non-zero exit. */
export function action<A extends unknown[]>(fn: (...args: A) => Promise<void>): (...args: A) => Promise<void> {
  return async (...args: A) => {
    try {
      await fn(...args);
    } catch (err) {
      // The SDK's errors carry the API's code: shown after the message, as `message [SC_CODE]`.
      const code =
        err instanceof Error && err.name === 'SparecyclesError' ? (err as { code?: string }).code : undefined;
      const text = err instanceof Error ? err.message : String(err);
      const message = code && code !== 'SC_UNREACHABLE' ? `${text} [${code}]` : text;
      process.stderr.write(`sparecycles: ${message.split('\n')[0]}\n`);
      process.exitCode = 1;
    }
  };
}

export function parsePositiveInt(name: string): (value: string) => number {
  return (value) => {
    const n = Number(value);
    if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError(`${name} must be a positive integer.`);
    return n;
  };
}

export function parseIntInRange(name: string, min: number, max: number): (value: string) => number {
  return (value) => {
    const n = Number(value);
    if (value.trim() === '' || !Number.isInteger(n) || n < min || n > max)
      throw new InvalidArgumentError(`${name} must be an integer from ${min} to ${max}.`);
    return n;
  };
}

export function parseNumber(name: string): (value: string) => number {
  return (value) => {
    const n = Number(value);
    if (value.trim() === '' || !Number.isFinite(n)) throw new InvalidArgumentError(`${name} must be a number.`);
    return n;
  };
}

export const parsePort = parseIntInRange('--port', 0, 65535);
