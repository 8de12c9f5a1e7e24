import { defineConfig } from 'vitest/config';

// Every suite runs on Node; the browser suite drives real headless Chromium through
// playwright-core. Suites start their own servers on random loopback ports.
export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    environment: 'node',
    // Generous: a loaded 2-core machine runs several real browsers and servers at once.
    testTimeout: 180_000,
    hookTimeout: 120_000,
    pool: 'forks',
    fileParallelism: true,
    maxWorkers: 2,
  },
});
