import { defineConfig } from 'vitest/config';

// `npm run bench`: each bench prints a table and writes JSON under test/bench/results/.
// Benches run one file at a time so they do not compete for the two cores.
export default defineConfig({
  test: {
    include: ['test/bench/**/*.bench.ts'],
    environment: 'node',
    testTimeout: 600_000,
    hookTimeout: 120_000,
    pool: 'forks',
    fileParallelism: false,
  },
});
