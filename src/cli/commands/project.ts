import type { Command } from 'commander';
import { action } from '../cli-error.js';
import { printJson, sdkFor, withServerOptions, type ServerOptions } from '../options.js';

export function registerProject(program: Command): void {
  const project = program.command('project').description('projects');
  withServerOptions(
    project
      .command('create')
      .description('create a project; prints its id')
      .argument('<name>', 'project name')
      .option('--description <text>', 'what the project computes, shown to volunteers')
      .option('--description-zh <text>', 'the same in Simplified Chinese, shown on pages in Chinese'),
  ).action(
    action(async (name: string, options: ServerOptions & { description?: string; descriptionZh?: string }) => {
      const translations = options.descriptionZh ? { zh: options.descriptionZh } : undefined;
      const created = await sdkFor(options).projects.create(name, options.description || undefined, translations);
      if (options.json) printJson({ id: created.id });
      else process.stdout.write(`${created.id}\n`);
    }),
  );
}
