// Exactly once when a holder's lease lapses: a running apply is frozen (SIGSTOP, as a preempted VM or a stalled
// runner is) while one of its executions is being made, past the end of its lease. A second apply waits for the
// lease to end, takes the lock without `state unlock`, and finishes the job; the first, woken, finds its fence
// taken and writes and submits nothing more. Across the trials no export (dataset) gets two executions, and every
// execution is in the state.

import type { ChildProcess } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { seededRandom } from '../../src/simulator/seeded-random.js';
import { applyRepo, cli } from '../support/apply-repo.js';
import { freshSchema, pgStore, sql, testDatabase } from '../support/postgres.js';
import type { CliResult } from '../support/run-cli.js';
import { startSimulator } from '../support/simulator.js';

const database = testDatabase();
const TRIALS = 6;
const EXPORTS = 6;
const random = seededRandom(20261206);

describe('apply on the pg backend, frozen past its lease mid-run', () => {
  it.each(Array.from({ length: TRIALS }, (_, i) => i + 1))(
    'trial %i: a second apply takes the lapsed lease and finishes; the first stops; one execution each',
    async () => {
      const schema = freshSchema();
      const exports = Object.fromEntries(Array.from({ length: EXPORTS }, (_, i) => [`e${i}`, `da-${i}`]));
      const dir = applyRepo({
        exports,
        config: `apply:\n  concurrency: 1\n  spacingMs: 0\nbackend:\n  type: pg\n  schema: ${schema}\n  lockLease: 2s\n`,
      });
      // Frozen while the k-th execution is being made, before its answer reaches the first apply.
      const k = 1 + Math.floor(random() * (EXPORTS - 1));
      let made = 0;
      let first: ChildProcess | undefined;
      let second: CliResult | undefined;
      const sim = await startSimulator({
        onSubmission: async ({ phase }) => {
          if (phase !== 'created' || ++made !== k) return undefined;
          first!.kill('SIGSTOP');
          // The lease ends on the database's clock: wait for that, not for a guess at it.
          await expect
            .poll(
              async () =>
                (
                  await sql<{ ended: boolean }>(
                    database.url,
                    `SELECT expires_at <= now() AS ended FROM ${schema}.locks`,
                  )
                )[0]?.ended,
              { timeout: 20_000, interval: 100 },
            )
            .toBe(true);
          second = await run(['apply', '--auto-approve', '--lock-timeout', '30s']);
          first!.kill('SIGCONT');
          return undefined;
        },
      });
      const run = cli(sim, dir, database.env);
      const firstRun = await run(['apply', '--auto-approve'], { onSpawn: (child) => (first = child) });

      expect(second?.code, second?.stderr).toBe(0);
      expect(second?.stderr).toMatch(/took over the lock .* whose lease ended at .* without renewal/);
      expect(firstRun.code).toBe(1);
      expect(firstRun.stderr).toContain('the state lock was lost');
      expect(firstRun.stderr).not.toMatch(/\n\s+at /);

      // Exactly once: one execution per export (each its own data action), each the one the state records.
      const executions = sim.record().executions;
      const perExport = new Map<string, number>();
      for (const e of executions) perExport.set(e.dataActionId, (perExport.get(e.dataActionId) ?? 0) + 1);
      expect([...perExport.entries()].filter(([, n]) => n !== 1)).toEqual([]);
      expect(executions).toHaveLength(EXPORTS);
      const store = pgStore(database.url, schema);
      try {
        const { state } = await store.read();
        const recorded = new Set(Object.values(state.exports).map((entry) => entry.lastExecution?.executionId));
        expect(executions.filter((e) => !recorded.has(e.executionId))).toEqual([]);
      } finally {
        await store.close();
      }
      expect((await run(['plan'])).stdout).toBe('No changes. Exports match the state.\n');
      // Nothing is left locked.
      expect(await sql(database.url, `SELECT 1 FROM ${schema}.locks`)).toEqual([]);
    },
  );
});
