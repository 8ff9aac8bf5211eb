import { availableParallelism } from 'node:os';
import { defineConfig } from 'vitest/config';

/**
 * The end-to-end files run again on the other supported Node.js lines (.ci/run, CXONE_TEST_OTHER_NODE=1), beside
 * the whole unit project: those whose subject is what changes from one line to the next. The CLI is one script,
 * built once for Node.js 20, so the rest of its behaviour is the unit project's to check on each line (whole
 * commands run there in process: plan, apply, environments, schedules). GitHub's CI runs every end-to-end file
 * on each line, on runners of their own.
 */
const ACROSS_NODE_LINES = [
  // The launcher: V8's code cache through node:vm, Node's module compile cache (22.1 and newer), what loads.
  'test/startup/*.e2e.test.ts',
  // Worker threads, and a JavaScript config imported through Node's module loader (require of ES modules).
  'test/e2e/validate.e2e.test.ts',
  // Node's HTTP server timeouts, whose defaults moved between lines.
  'test/callbacks/receiver-timeouts.e2e.test.ts',
  // Files written durably, and both backends, PostgreSQL's driver over Node's sockets.
  'test/state/store-conformance.e2e.test.ts',
];
const otherNodeLine = process.env.CXONE_TEST_OTHER_NODE === '1';

export default defineConfig({
  test: {
    testTimeout: 30_000,
    // Much of an end-to-end test's time is spent waiting: on the processes it starts (the CLI, serve), on
    // PostgreSQL, the disk, a lease or a grace running out. With one more file than cores the machine stayed a
    // third idle through the suite; with twice the cores and one more it is kept busy. (Vitest's default, one
    // fewer than cores, ran it one file at a time on a two-core machine.)
    maxWorkers: availableParallelism() * 2 + 1,
    reporters: ['default', './test/support/summary-reporter.ts'],
    projects: [
      {
        extends: true,
        test: {
          // Pure code, operations on the memory backend and the simulator in-process, views: no build, no
          // PostgreSQL, no root, no child processes (`npm run test:unit`).
          name: 'unit',
          // Threads start faster than processes, and these tests need no process of their own; a thread keeps the
          // modules it loaded from one file to the next (half the project's time was each file's imports).
          pool: 'threads',
          isolate: false,
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
          // A worker keeps the modules it loaded from one file to the next: each file's own import of the sources
          // was a tenth of the suite's time. The files share no module state they change (the commands they run
          // in process take all of theirs from the io they are given).
          isolate: false,
          include: otherNodeLine ? ACROSS_NODE_LINES : ['src/**/*.e2e.test.ts', 'test/**/*.e2e.test.ts'],
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
          isolate: false,
          include: ['test/state/pg-*.e2e.test.ts', 'test/callbacks/pg-*.e2e.test.ts'],
          exclude: ['test/state/pg-pooler.e2e.test.ts', '**/node_modules/**'],
          env: { PG_VIA_POOLER: 'transaction' },
          globalSetup: ['./test/support/system-packages.ts', './test/support/test-run-folder.ts'],
        },
      },
    ],
  },
});
