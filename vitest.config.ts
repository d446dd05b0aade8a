import { availableParallelism } from 'node:os';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    environment: 'node',
    pool: 'forks',
    // Vitest's default is one worker per CPU minus one: a single worker on a 2-core CI machine,
    // where most suites wait on fsync, PostgreSQL, Redis and child processes rather than the CPU.
    maxWorkers: Math.max(2, availableParallelism()),
    testTimeout: 30_000,
    hookTimeout: 60_000,
    allowOnly: process.env.CI !== 'true',
    reporters:
      process.env.RAMPART_TEST_JSON === undefined ? ['default'] : ['default', ['json', { outputFile: process.env.RAMPART_TEST_JSON }]],
  },
});
