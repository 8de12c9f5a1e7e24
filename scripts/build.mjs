// Builds everything `npm start` and `npx sparecycles` need: the demo kernels (AssemblyScript),
// the Node side (tsc → dist/node) and the volunteer page (Vite → dist/public).
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const started = Date.now();

function step(label, fn) {
  const t = Date.now();
  process.stderr.write(`build: ${label}…\n`);
  return Promise.resolve(fn()).then(() => process.stderr.write(`build: ${label} done in ${Date.now() - t} ms\n`));
}

function run(command, args) {
  const result = spawnSync(command, args, { cwd: root, stdio: 'inherit' });
  if (result.status !== 0) {
    process.stderr.write(`build: \`${command} ${args.join(' ')}\` failed (exit ${result.status})\n`);
    process.exit(1);
  }
}

try {
  await step('kernels', async () => {
    const { buildKernels } = await import('./build-kernels.mjs');
    await buildKernels({ outDir: join(root, 'dist') });
  });
  await step('server, CLI and headless runtime', () =>
    run(process.execPath, [join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', 'tsconfig.node.json']),
  );
  if (existsSync(join(root, 'index.html'))) {
    await step('volunteer page', async () => {
      const { build } = await import('vite');
      await build({ root, logLevel: 'warn', configFile: join(root, 'vite.config.ts') });
    });
  }
  if (existsSync(join(root, 'src', 'widget', 'loader.ts'))) {
    await step('widget loader', async () => {
      const { build } = await import('vite');
      // A classic script with no exports: an IIFE that adds nothing to the host page's globals.
      await build({
        root,
        logLevel: 'warn',
        configFile: false,
        build: {
          outDir: join(root, 'dist', 'public'),
          emptyOutDir: false,
          target: 'es2019',
          lib: {
            entry: join(root, 'src', 'widget', 'loader.ts'),
            formats: ['iife'],
            name: 'unused',
            fileName: () => 'widget.js',
          },
        },
      });
    });
  }
  if (existsSync(join(root, 'scripts', 'build-sw.mjs'))) {
    // Last: the service worker precaches what the steps above wrote.
    await step('service worker', async () => {
      const { buildServiceWorker } = await import('./build-sw.mjs');
      await buildServiceWorker({ publicDir: join(root, 'dist', 'public') });
    });
  }
  process.stderr.write(`build: finished in ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
} catch (err) {
  process.stderr.write(`build: failed: ${err instanceof Error ? err.message : err}\n`);
  process.exit(1);
}
