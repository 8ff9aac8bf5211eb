// Exactly once when the lock is lost: the lock's database session of a running apply is ended (as
// pg_terminate_backend or a network blip would), a second apply is refused while the first still runs, and once
// the lock is forced it runs; the first, fenced, writes and submits nothing more. Across the trials no export
// (dataset) gets two executions, and every execution is in the state.

import { describe, expect, it } from 'vitest';
import { seededRandom } from '../../src/simulator/seeded-random.js';
import { applyRepo, cli } from '../support/apply-repo.js';
import { freshSchema, pgStore, sql, testDatabase } from '../support/postgres.js';
import type { CliResult } from '../support/run-cli.js';
import { startSimulator } from '../support/simulator.js';

const database = testDatabase();
const TRIALS = 10;
const EXPORTS = 6;
const random = seededRandom(20261202);

describe('apply on the pg backend, its lock session ended mid-run', () => {
  it.each(Array.from({ length: TRIALS }, (_, i) => i + 1))(
    'trial %i: the fenced apply stops, a second runs once forced, and each export has one execution',
    async () => {
      const schema = freshSchema();
      const exports = Object.fromEntries(Array.from({ length: EXPORTS }, (_, i) => [`e${i}`, `da-${i}`]));
      const dir = applyRepo({
        exports,
        config: `apply:\n  concurrency: 1\n  spacingMs: 0\nbackend:\n  type: pg\n  schema: ${schema}\n`,
      });
      // The lock is lost while the k-th execution is being made, before its answer reaches the first apply.
      const k = 1 + Math.floor(random() * (EXPORTS - 1));
      let made = 0;
      const second: { refused?: CliResult; forced?: CliResult; applied?: CliResult } = {};
      const sim = await startSimulator({
        onSubmission: async ({ phase }) => {
          if (phase !== 'created' || ++made !== k) return undefined;
          await sql(database.url, `SELECT pg_terminate_backend(backend_pid) FROM ${schema}.locks`);
          // The first apply still runs on this host: its lock is not taken over, only forced.
          second.refused = await run(['apply', '--auto-approve']);
          const [holder] = await sql<{ id: string }>(database.url, `SELECT info->>'id' AS id FROM ${schema}.locks`);
          second.forced = await run(['state', 'unlock', holder!.id]);
          second.applied = await run(['apply', '--auto-approve']);
          return undefined;
        },
      });
      const run = cli(sim, dir, database.env);
      const first = await run(['apply', '--auto-approve']);

      expect(second.refused?.code).toBe(1);
      expect(second.refused?.stderr).toContain('but the process still runs on this host, so it is not taken over');
      expect(second.forced?.code, second.forced?.stderr).toBe(0);
      expect(second.applied?.code, second.applied?.stderr).toBe(0);
      expect(first.code).toBe(1);
      expect(first.stderr).toContain('the state lock was lost');
      expect(first.stderr).not.toMatch(/\n\s+at /);

      // Exactly once: one execution per export (each its own data action), each the one the state records.
      const executions = sim.record().executions;
      const perExport = new Map<string, number>();
      for (const e of executions) perExport.set(e.dataActionId, (perExport.get(e.dataActionId) ?? 0) + 1);
      expect([...perExport.entries()].filter(([, n]) => n !== 1)).toEqual([]);
      const store = pgStore(database.url, schema);
      try {
        const { state } = await store.read();
        const recorded = new Set(Object.values(state.exports).map((entry) => entry.lastExecution?.executionId));
        expect(executions.filter((e) => !recorded.has(e.executionId))).toEqual([]);
      } finally {
        await store.close();
      }
      // Whatever the second apply did not reach is planned, and a last apply finishes the job once.
      expect((await run(['apply', '--auto-approve'])).code).toBe(0);
      expect(sim.record().executions).toHaveLength(EXPORTS);
      expect((await run(['plan'])).stdout).toBe('No changes. Exports match the state.\n');
    },
  );
});
