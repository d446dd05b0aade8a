import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    environment: 'node',
    pool: 'forks',
    testTimeout: 30_000,
    hookTimeout: 60_000,
    allowOnly: process.env.CI !== 'true',
    reporters:
      process.env.RAMPART_TEST_JSON === undefined ? ['default'] : ['default', ['json', { outputFile: process.env.RAMPART_TEST_JSON }]],
  },
});
