// Generates the volunteer app's service worker (dist/public/sw.js) after Vite has built the
// page. workbox-build's generateSW writes a complete worker from a config, so the worker needs
// no bundling of its own and no workbox packages beyond workbox-build.
//
// It precaches the app shell only: index.html, the assets it loads (followed through their
// imports, so the dashboard's and leaderboard's bundles are not downloaded by volunteers), the
// manifest and the icons. Kernels are cached at run time, forever, by their content hash.
// The page registers it only after the volunteer clicks Start (src/app/service-worker.ts), and a
// new version waits for the volunteer's Reload rather than taking over while units run.
//
// Usable from scripts/build.mjs (`buildServiceWorker({ publicDir })`) or on its own:
// `node scripts/build-sw.mjs [publicDir]`.
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { generateSW } from 'workbox-build';

const SHELL_EXTRA = ['manifest.webmanifest', 'icons/*.png'];

/** index.html and every asset reachable from it by name, as paths relative to publicDir. */
export function shellFiles(publicDir) {
  const assetsDir = join(publicDir, 'assets');
  const assets = existsSync(assetsDir) ? readdirSync(assetsDir) : [];
  const found = new Set();
  const queue = ['index.html'];
  while (queue.length > 0) {
    const file = queue.shift();
    const text = readFileSync(join(publicDir, file), 'utf8');
    // Built files name each other by their hashed file names ("/assets/x-abc.js", "./x-abc.js"),
    // so a plain search for each name finds static imports, dynamic chunks and worker entries.
    for (const name of assets) {
      const path = `assets/${name}`;
      if (!found.has(path) && text.includes(name) && !name.endsWith('.map')) {
        found.add(path);
        if (/\.(js|css|html)$/.test(name)) queue.push(path);
      }
    }
  }
  return ['index.html', ...[...found].sort()];
}

export async function buildServiceWorker({ publicDir }) {
  if (!existsSync(join(publicDir, 'index.html')))
    throw new Error(`${publicDir}/index.html is missing: build the page first`);
  const shell = shellFiles(publicDir);
  const { count, size, warnings } = await generateSW({
    globDirectory: publicDir,
    globPatterns: [...shell, ...SHELL_EXTRA],
    swDest: join(publicDir, 'sw.js'),
    mode: 'production',
    sourcemap: false,
    inlineWorkboxRuntime: true,
    // Service workers with module-era syntax only: less for Babel to rewrite.
    babelPresetEnvTargets: ['chrome >= 111', 'firefox >= 111', 'safari >= 16.4'],
    // Hashed file names change with their content: no revision query needed to fetch them fresh.
    dontCacheBustURLsMatching: /^assets\//,
    // A new version never takes over by itself: it waits until the volunteer clicks "Reload to
    // update" (src/app/service-worker.ts), which posts {type: 'SKIP_WAITING'}; generateSW adds
    // the listener for that message when skipWaiting is false. A unit in progress is never cut off.
    skipWaiting: false,
    // The first version controls the page at once (there is no older one to wait for).
    clientsClaim: true,
    cleanupOutdatedCaches: true,
    // The volunteer page only: /dashboard and /leaderboard still need the network.
    navigateFallback: '/index.html',
    navigateFallbackAllowlist: [/^\/(\?.*)?$/],
    runtimeCaching: [
      {
        // Kernels are content-addressed: the bytes behind a hash never change.
        urlPattern: ({ url }) => /^\/api\/v1\/kernels\/[0-9a-f]{64}$/.test(url.pathname),
        handler: 'CacheFirst',
        options: { cacheName: 'sc-kernels', cacheableResponse: { statuses: [200] } },
      },
      {
        // The project list, so the page offline still says whom it works for.
        urlPattern: ({ url }) => url.pathname === '/api/v1/projects',
        handler: 'NetworkFirst',
        options: { cacheName: 'sc-projects', networkTimeoutSeconds: 4, cacheableResponse: { statuses: [200] } },
      },
    ],
  });
  for (const warning of warnings) process.stderr.write(`build: service worker: ${warning}\n`);
  return { count, size };
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  const root = join(dirname(fileURLToPath(import.meta.url)), '..');
  const publicDir = resolve(process.argv[2] ?? join(root, 'dist', 'public'));
  const { count, size } = await buildServiceWorker({ publicDir });
  process.stderr.write(`build: service worker precaches ${count} files, ${(size / 1024).toFixed(1)} KiB\n`);
}
