import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts', 'test/**/*.test.tsx', 'src/**/*.test.ts'],
    // Real apps installed from the registry: `npm run test:apps`.
    exclude: ['test/apps/**', '**/node_modules/**'],
    setupFiles: ['test/support/private-keyring.ts'],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    // Tests spawn git and the built bin; two cores are all this machine has.
    maxWorkers: 2,
  },
});
