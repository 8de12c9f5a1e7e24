#!/usr/bin/env node
// Runs the compiled CLI (built by `npm install` / `npm run build` into dist/node).
import { existsSync } from 'node:fs';

const main = new URL('../dist/node/cli/main.js', import.meta.url);
if (!existsSync(main)) {
  process.stderr.write('sparecycles: not built yet; run `npm install` (or `npm run build`) in the package first\n');
  process.exit(1);
}
await import(main.href);
