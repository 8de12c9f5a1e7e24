import { readFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { action, CliError } from '../cli-error.js';
import { kernelReport } from '../kernel-report.js';
import { printJson, sdkFor, withServerOptions, type ServerOptions } from '../options.js';

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
      .description(
        'upload a kernel; prints its SHA-256 (on a terminal, a validation report: ABI, imports, exports, memory, size, hash; with --json, the ABI and size too)',
      )
      .argument('<file.wasm>', 'the module'),
  ).action(
    action(async (file: string, options: ServerOptions) => {
      const bytes = await readKernelFile(file);
      const added = await sdkFor(options).kernels.add(bytes);
      if (options.json) printJson({ hash: added.hash, abi: added.abi, size: added.size });
      else if (process.stdout.isTTY) process.stdout.write(kernelReport(bytes, added).join('\n') + '\n');
      else process.stdout.write(`${added.hash}\n`);
    }),
  );
}
