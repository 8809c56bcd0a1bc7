import { defineConfig } from 'vitest/config';

/**
 * The real-browser suites (*.browser.ts), run by ../chromium.test.ts — inside a network namespace
 * holding only `lo` when running as root. One file at a time: each launches one Chromium.
 */
export default defineConfig({
  test: {
    root: new URL('../../../..', import.meta.url).pathname,
    include: ['packages/interop/test/browser/**/*.browser.ts'],
    testTimeout: 30_000,
    hookTimeout: 40_000,
    pool: 'forks',
    fileParallelism: false,
  },
});
