import { readdirSync, existsSync } from 'node:fs';
import preact from '@preact/preset-vite';
import { defineConfig } from 'vite';

// Every HTML page at the top level and under widget/ is an entry: index (volunteer app),
// dashboard, leaderboard, embed-demo, widget/card (the framed consent card).
function pages(): Record<string, string> {
  const entries: Record<string, string> = {};
  for (const dir of ['.', 'widget']) {
    if (!existsSync(dir)) continue;
    for (const file of readdirSync(dir)) {
      if (file.endsWith('.html'))
        entries[`${dir === '.' ? '' : dir + '-'}${file.replace(/\.html$/, '')}`] = `${dir}/${file}`;
    }
  }
  return entries;
}

// A cross-origin isolated page may share memory with its workers, which is how Pause stops a
// running kernel at once (see src/runtime/browser/worker-factory.ts). The task server must send
// the same two headers with the built page.
const crossOriginIsolation = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
};

// The volunteer page. Kernels and wasm must stay separate files (never inlined as data URLs) so
// they are fetched only after the volunteer clicks Start and cached on their own.
export default defineConfig({
  root: '.',
  publicDir: 'public',
  plugins: [preact()],
  build: {
    outDir: 'dist/public',
    emptyOutDir: true,
    assetsInlineLimit: 0,
    target: 'es2022',
    rollupOptions: { input: pages() },
  },
  worker: { format: 'es' },
  server: {
    headers: crossOriginIsolation,
    // `vite` serves the page with hot reload while `sparecycles serve` answers the API.
    proxy: { '/api': 'http://127.0.0.1:8080' },
  },
  preview: { headers: crossOriginIsolation },
});
