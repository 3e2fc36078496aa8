import { defineConfig } from 'vitest/config';

// One runner for the whole monorepo: every workspace keeps its tests in `test/` (or beside the
// code as `*.test.ts`), and `npm test` runs them all from the root.
export default defineConfig({
  test: {
    include: ['**/test/**/*.test.ts', '**/src/**/*.test.ts'],
    exclude: ['**/node_modules/**', '**/dist/**'],
    // Integration tests spawn real processes and servers on loopback; two cores, so keep it modest.
    pool: 'forks',
    maxWorkers: 2,
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});
