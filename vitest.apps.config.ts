import { defineConfig } from 'vitest/config';

// `npm run test:apps`: real apps built with their real toolchains, installed from the npm registry.
// Slow and networked, so outside `npm test`; `.ci/run` runs both.
export default defineConfig({
  test: {
    include: ['test/apps/**/*.test.ts'],
    setupFiles: ['test/support/private-keyring.ts'],
    testTimeout: 600_000,
    hookTimeout: 900_000,
    maxWorkers: 1,
  },
});
