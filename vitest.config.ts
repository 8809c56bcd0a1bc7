import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['packages/*/test/**/*.test.ts', 'scripts/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    // Real-peer tests (openssl, coturn, chromium) start processes; keep the pool small on 2 cores.
    pool: 'forks',
  },
});
