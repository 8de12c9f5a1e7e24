import { readFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { action, CliError } from '../cli-error.js';
import { clientFor, printJson, withServerOptions, type ServerOptions } from '../options.js';

export async function readKernelFile(file: string): Promise<Uint8Array> {
  try {
    return new Uint8Array(await readFile(file));
  } catch (err) {
    throw new CliError(
      `cannot read kernel file ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`,
    );
  }
}

export function registerKernel(program: Command): void {
  const kernel = program.command('kernel').description('kernels (WebAssembly modules)');
  withServerOptions(
    kernel
      .command('add')
      .description('upload a kernel; prints its SHA-256 (with --json, also the ABI read from the module and its size)')
      .argument('<file.wasm>', 'the module'),
  ).action(
    action(async (file: string, options: ServerOptions) => {
      const bytes = await readKernelFile(file);
      const added = await clientFor(options).addKernel(bytes);
      if (options.json) printJson({ hash: added.hash, abi: added.abi, size: added.size });
      else process.stdout.write(`${added.hash}\n`);
    }),
  );
}
