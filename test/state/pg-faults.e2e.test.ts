// The pg backend when things go wrong: apply killed at random moments, the database lost in the middle of an
// apply, and the README's least-privilege roles doing what they are for and refused what they are not.

import type { ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { describe, expect, it } from 'vitest';
import { seededRandom } from '../../src/simulator/seeded-random.js';
import { applyRepo, cli } from '../support/apply-repo.js';
import { freshSchema, sql, testDatabase } from '../support/postgres.js';
import { privatePostgres } from '../support/private-postgres.js';
import { completion, postCallback } from '../support/receiver.js';
import { freePort, SERVE_SECRET, startServe } from '../support/serve-process.js';
import { startSimulator } from '../support/simulator.js';

const database = testDatabase();
const TRIALS = 6;
const random = seededRandom(20261128);

interface PlanJson {
  changes: { name: string; action: string }[];
}

function pgRepo(exports: Record<string, string>, schema = freshSchema()): { dir: string; schema: string } {
  const dir = applyRepo({
    exports,
    config: `apply:\n  concurrency: 2\n  spacingMs: 20\nbackend:\n  type: pg\n  schema: ${schema}\n`,
  });
  return { dir, schema };
}

describe('apply on the pg backend, killed at random moments', () => {
  it.each(Array.from({ length: TRIALS }, (_, i) => [i + 1, Math.round(250 + random() * 1000)]))(
    'trial %i: killed after %i ms, the next apply runs each export exactly once and frees the lock',
    async (_trial, killAfterMs) => {
      const sim = await startSimulator({ faults: { latencyMs: 15 } });
      const exports: Record<string, string> = {};
      for (let i = 0; i < 8; i++) exports[`x-${i}`] = `da-${i % 4}`;
      const { dir, schema } = pgRepo(exports);
      const run = cli(sim, dir, database.env);
      await run(['apply', '--auto-approve'], {
        onSpawn: (child) => setTimeout(() => child.kill('SIGKILL'), killAfterMs),
      });
      const recovered = await run(['apply', '--auto-approve']);
      expect(recovered.code, recovered.stderr).toBe(0);
      const executions = sim.record().executions;
      expect(executions).toHaveLength(8);
      expect(new Set(executions.map((e) => e.datasetId + e.idempotencyKey)).size).toBe(8);
      expect((await run(['plan'])).stdout).toBe('No changes. Exports match the state.\n');
      expect(await sql(database.url, `SELECT * FROM ${schema}.locks`)).toEqual([]);
      const advisory = await sql(
        database.url,
        `SELECT 1 FROM pg_locks WHERE locktype = 'advisory'
            AND database = (SELECT oid FROM pg_database WHERE datname = current_database())`,
      );
      expect(advisory).toEqual([]);
    },
  );
});

describe('the pg backend losing its database', () => {
  it('restarted under apply (pg_ctl restart -m fast): the run reconnects and finishes, each export once', async () => {
    const server = await privatePostgres();
    let restarted = false;
    const sim = await startSimulator({
      onSubmission: ({ phase, dataActionId }) => {
        // While b's execution is created, the server restarts: every connection the run had is gone.
        if (phase === 'created' && dataActionId === 'da-2' && !restarted) {
          restarted = true;
          server.restart();
        }
        return undefined;
      },
    });
    const { dir } = pgRepo({ a: 'da-1', b: 'da-2', c: 'da-3' });
    const run = cli(sim, dir, { CXONE_EXPORTS_PG_URL: server.url });
    const applied = await run(['apply', '--auto-approve', '--concurrency', '1']);
    expect(restarted).toBe(true);
    expect(applied.code, applied.stderr).toBe(0);
    expect(applied.stderr).not.toMatch(/\n\s+at /);
    expect(sim.record().executions.map((e) => e.dataActionId)).toEqual(['da-1', 'da-2', 'da-3']);
    expect((await run(['plan'])).stdout).toBe('No changes. Exports match the state.\n');
  });

  it('mid-apply: the run stops with the truth in the state, and the next plan resubmits what was in flight', async () => {
    const server = await privatePostgres();
    let stopped = false;
    const sim = await startSimulator({
      onSubmission: ({ phase, dataActionId }) => {
        // While b's execution is created, the database goes away: b's result cannot be recorded.
        if (phase === 'created' && dataActionId === 'da-2' && !stopped) {
          stopped = true;
          server.stop();
        }
        return undefined;
      },
    });
    const { dir } = pgRepo({ a: 'da-1', b: 'da-2', c: 'da-3' });
    const run = cli(sim, dir, { CXONE_EXPORTS_PG_URL: server.url });
    const lost = await run(['apply', '--auto-approve', '--concurrency', '1']);
    expect(lost.code).toBe(1);
    // The lock's own session is the first to go: the run stops on the lost lock (or, if a query meets the
    // dead server first, on the unreachable database), and names it either way.
    expect(lost.stderr).toMatch(
      /the state lock was lost \(its database session (failed|ended)|cannot reach PostgreSQL at 127\.0\.0\.1:\d+\/postgres/,
    );
    expect(lost.stderr).not.toMatch(/\n\s+at /);
    expect(sim.record().executions.map((e) => e.dataActionId)).toEqual(['da-1', 'da-2']);

    server.start();
    const plan = JSON.parse((await run(['plan', '--json'])).stdout) as PlanJson;
    expect(Object.fromEntries(plan.changes.map((c) => [c.name, c.action]))).toEqual({
      a: 'no-op',
      b: 'resubmit',
      c: 'create',
    });
    const again = await run(['apply', '--auto-approve']);
    expect(again.code, again.stderr).toBe(0);
    // b's resubmission reused its key: CXone answered with the execution it had made.
    expect(sim.record().executions).toHaveLength(3);
    expect((await run(['plan'])).stdout).toBe('No changes. Exports match the state.\n');
  });
});

describe("the README's roles", () => {
  it('let plan read, apply write and serve record, and refuse the rest with a message that says why', async () => {
    const sim = await startSimulator();
    const schema = 'cxone_exports';
    const { dir } = pgRepo({ a: 'da-1' }, schema);
    const owner = cli(sim, dir, database.env);
    expect((await owner(['backend', 'init'])).code).toBe(0);
    const suffix = database.name.slice(-8);
    const roles = { plan: `plan_${suffix}`, apply: `apply_${suffix}`, serve: `serve_${suffix}` };
    await sql(
      database.url,
      `CREATE ROLE ${roles.plan} LOGIN;
       GRANT USAGE ON SCHEMA ${schema} TO ${roles.plan};
       GRANT SELECT ON ALL TABLES IN SCHEMA ${schema} TO ${roles.plan};
       CREATE ROLE ${roles.apply} LOGIN;
       GRANT USAGE ON SCHEMA ${schema} TO ${roles.apply};
       GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA ${schema} TO ${roles.apply};
       GRANT USAGE ON ALL SEQUENCES IN SCHEMA ${schema} TO ${roles.apply};
       CREATE ROLE ${roles.serve} LOGIN;
       GRANT USAGE ON SCHEMA ${schema} TO ${roles.serve};
       GRANT SELECT ON ALL TABLES IN SCHEMA ${schema} TO ${roles.serve};
       GRANT UPDATE ON ${schema}.states, ${schema}.entries TO ${roles.serve};
       GRANT INSERT ON ${schema}.entries, ${schema}.events, ${schema}.audit_heads TO ${roles.serve};
       GRANT UPDATE ON ${schema}.audit_heads TO ${roles.serve};
       GRANT USAGE ON ALL SEQUENCES IN SCHEMA ${schema} TO ${roles.serve};`,
    );
    const as = (role: string) =>
      cli(sim, dir, { CXONE_EXPORTS_PG_URL: database.url.replace(/\/\/[^@]*@/, `//${role}@`) });
    try {
      const planned = await as(roles.plan)(['plan']);
      expect(planned.code, planned.stderr).toBe(0);
      const refused = await as(roles.plan)(['apply', '--auto-approve']);
      expect(refused.code).toBe(1);
      expect(refused.stderr).toMatch(/did not allow this role to do that: permission denied/);
      expect(sim.record().executions).toHaveLength(0);

      const applied = await as(roles.apply)(['apply', '--auto-approve']);
      expect(applied.code, applied.stderr).toBe(0);
      const executionId = sim.record().executions[0]!.executionId;

      const port = await freePort();
      const serve: ChildProcess = await startServe(dir, port, {
        CXONE_EXPORTS_PG_URL: database.url.replace(/\/\/[^@]*@/, `//${roles.serve}@`),
      });
      try {
        const answer = await postCallback(`http://127.0.0.1:${port}`, completion(executionId), {
          secret: SERVE_SECRET,
        });
        expect(answer).toMatchObject({ status: 200, body: { status: 'recorded' } });
      } finally {
        serve.kill('SIGTERM');
        await once(serve, 'exit');
      }
      const status = JSON.parse((await as(roles.plan)(['status', '--json'])).stdout) as {
        exports: { status: string }[];
      };
      expect(status.exports.map((e) => e.status)).toEqual(['completed']);
    } finally {
      await sql(
        database.url,
        Object.values(roles)
          .map((role) => `DROP OWNED BY ${role}; DROP ROLE ${role};`)
          .join('\n'),
      );
    }
  });
});
