import { availableParallelism } from 'node:os';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    testTimeout: 30_000,
    // Most of an end-to-end test's time is spent waiting on the processes it starts (the CLI, serve) and on
    // PostgreSQL and the disk, so one more test file than cores keeps the machine busy. Vitest's default, one
    // fewer than cores, ran this suite one file at a time on a two-core machine.
    maxWorkers: availableParallelism() + 1,
    reporters: ['default', './test/support/summary-reporter.ts'],
    projects: [
      {
        extends: true,
        test: {
          // Pure code, operations on the memory backend and the simulator in-process, views: no build, no
          // PostgreSQL, no root, no child processes (`npm run test:unit`).
          name: 'unit',
          // Threads start faster than processes, and these tests need no process of their own.
          pool: 'threads',
          // The run's own temporary folder, removed at the end (test/support/test-run-folder.ts).
          globalSetup: ['./test/support/test-run-folder.ts'],
          include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
          exclude: ['**/*.e2e.test.ts', '**/node_modules/**'],
        },
      },
      {
        extends: true,
        test: {
          // The built CLI as a child process, PostgreSQL, the packed package, system tools.
          name: 'e2e',
          include: ['src/**/*.e2e.test.ts', 'test/**/*.e2e.test.ts'],
          // What these tests need from the system (libfaketime, promtool, shellcheck), installed when missing;
          // and the run's own folder: the temporary folder and cache of everything they start, checked at the end.
          globalSetup: ['./test/support/system-packages.ts', './test/support/test-run-folder.ts'],
        },
      },
      {
        extends: true,
        test: {
          // The pg end-to-end files again, with every CLI they start reaching PostgreSQL through PgBouncer in
          // transaction pooling (test/support/postgres.ts), as most teams' databases are reached.
          name: 'e2e-pooled',
          include: ['test/state/pg-*.e2e.test.ts', 'test/callbacks/pg-*.e2e.test.ts'],
          exclude: ['test/state/pg-pooler.e2e.test.ts', '**/node_modules/**'],
          env: { PG_VIA_POOLER: 'transaction' },
          globalSetup: ['./test/support/system-packages.ts', './test/support/test-run-folder.ts'],
        },
      },
    ],
  },
});
