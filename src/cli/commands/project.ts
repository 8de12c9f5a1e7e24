import type { Command } from 'commander';
import { action } from '../cli-error.js';
import { clientFor, printJson, withServerOptions, type ServerOptions } from '../options.js';

export function registerProject(program: Command): void {
  const project = program.command('project').description('projects');
  withServerOptions(
    project
      .command('create')
      .description('create a project; prints its id')
      .argument('<name>', 'project name')
      .option('--description <text>', 'what the project computes, shown to volunteers'),
  ).action(
    action(async (name: string, options: ServerOptions & { description?: string }) => {
      const created = await clientFor(options).createProject(name, options.description);
      if (options.json) printJson({ id: created.id });
      else process.stdout.write(`${created.id}\n`);
    }),
  );
}
