import { defineConfig } from 'vitest/config';

// Tests choose their database themselves (test/helpers/backends.ts): the PostgreSQL URL is kept
// for them under another name, so the servers and commands they spawn default to SQLite.
if (process.env.DATABASE_URL) {
  process.env.SC_TEST_DATABASE_URL ??= process.env.DATABASE_URL;
  delete process.env.DATABASE_URL;
}

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
