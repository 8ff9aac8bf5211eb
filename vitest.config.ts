import { availableParallelism } from 'node:os';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    testTimeout: 30_000,
    // Most of a test's time is spent waiting on the processes it starts (the CLI, serve, the simulator) and on
    // PostgreSQL and the disk, so one more test file than cores keeps the machine busy. Vitest's default, one
    // fewer than cores, ran this suite one file at a time on a two-core machine.
    maxWorkers: availableParallelism() + 1,
    reporters: ['default', './test/support/summary-reporter.ts'],
    // What the tests need from the system (libfaketime, promtool, shellcheck), installed when it is missing.
    globalSetup: ['./test/support/system-packages.ts'],
  },
});
