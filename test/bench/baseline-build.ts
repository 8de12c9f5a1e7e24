// An earlier commit of this package, built (server and CLI, not the page) in a scratch directory,
// so a bench can run it side by side with this build in one run. BENCH_BASELINE_REF picks the
// commit (by default the last one before the set-based hot path); `none` skips the baseline.
import { execFileSync } from 'node:child_process';
import { mkdirSync, symlinkSync } from 'node:fs';
import { join, resolve } from 'node:path';

export const BASELINE_REF = process.env.BENCH_BASELINE_REF ?? '49fc0da';

/** The baseline's package root, or why there is none. */
export function buildBaseline(dir: string): { root: string } | { missing: string } {
  if (BASELINE_REF === 'none') return { missing: 'BENCH_BASELINE_REF=none' };
  try {
    execFileSync('git', ['cat-file', '-e', `${BASELINE_REF}^{commit}`], { stdio: 'ignore' });
  } catch {
    return { missing: `commit ${BASELINE_REF} is not in this checkout (set BENCH_BASELINE_REF)` };
  }
  const root = join(dir, 'baseline');
  mkdirSync(root);
  execFileSync('sh', ['-c', `git archive ${BASELINE_REF} | tar -x -C "${root}"`]);
  symlinkSync(resolve('node_modules'), join(root, 'node_modules'));
  execFileSync(process.execPath, [join('node_modules', 'typescript', 'bin', 'tsc'), '-p', 'tsconfig.node.json'], {
    cwd: root,
  });
  return { root };
}
