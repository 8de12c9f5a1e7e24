// Where the package's built artefacts live, found from this file whether it runs from src/
// (tests) or from dist/node/ (the installed command).
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

function findPackageRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json'))) {
    const parent = dirname(dir);
    if (parent === dir) throw new Error('cannot find the sparecycles package root');
    dir = parent;
  }
  return dir;
}

export const PACKAGE_ROOT = findPackageRoot();
export const PUBLIC_DIR = join(PACKAGE_ROOT, 'dist', 'public');
export const KERNELS_DIR = join(PACKAGE_ROOT, 'dist', 'kernels');
export const DB_FILE = 'sparecycles.db';
export const DEMO_TOKEN_FILE = 'demo-token.txt';
