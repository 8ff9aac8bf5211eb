// Two receivers on the pg backend under a steady load of callbacks, while every database session they hold is
// ended again and again (pg_terminate_backend, as an administrator or a failover does): they stay up, answer 503
// while they cannot record (CXone delivers again), and every callback acknowledged with 200 is recorded, once.

import { once } from 'node:events';
import { describe, expect, it } from 'vitest';
import { closeStore } from '../../src/state/state-store.js';
import { miniRepo } from '../support/fixtures.js';
import { freshSchema, pgStore, sql, testDatabase, withLockedTables } from '../support/postgres.js';
import { completion, postCallback } from '../support/receiver.js';
import { freePort, SERVE_SECRET, startServe } from '../support/serve-process.js';
import { queuedExports, seedState } from '../support/state-builders.js';

const database = testDatabase();
const EXECUTIONS = 400;

describe('two receivers on the pg backend, their sessions ended under load', () => {
  it('stay up, answer 503 while they cannot record, and record every callback they acknowledged', async () => {
    const schema = freshSchema();
    const seeded = pgStore(database.url, schema);
    await seedState(seeded, queuedExports(EXECUTIONS));
    await closeStore(seeded);
    const dir = miniRepo({ 'cxone-exports.config.yaml': `backend:\n  type: pg\n  schema: ${schema}\n` });
    const ports = [await freePort(), await freePort()];
    const receivers = await Promise.all(
      ports.map((port) => startServe(dir, port, { CXONE_EXPORTS_PG_URL: database.url })),
    );

    let delivered = 0;
    const statuses: number[] = [];
    // CXone's side: each completion delivered (to either receiver) until it is acknowledged.
    const deliver = async (i: number) => {
      for (let attempt = 0; ; attempt++) {
        const answer = await postCallback(`http://127.0.0.1:${ports[(i + attempt) % 2]!}`, completion(`exe-${i}`), {
          secret: SERVE_SECRET,
        });
        statuses.push(answer.status);
        if (answer.status === 200) {
          delivered++;
          return answer;
        }
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
    };
    const load = Promise.all(Array.from({ length: EXECUTIONS }, (_, i) => deliver(i)));
    // Every session of the receivers is ended, again and again, while the load runs.
    let terminations = 0;
    while (delivered < EXECUTIONS) {
      // A receiver that died fails the test at once, rather than leaving the load to wait for it.
      if (receivers.some((receiver) => receiver.exitCode !== null)) break;
      const [row] = await sql<{ ended: string }>(
        database.url,
        `SELECT count(pg_terminate_backend(pid))::text AS ended FROM pg_stat_activity
          WHERE datname = current_database() AND pid <> pg_backend_pid() AND application_name LIKE 'cxone-exports%'`,
      );
      terminations += Number(row!.ended);
      await new Promise((resolve) => setImmediate(resolve));
    }
    for (const receiver of receivers) expect(receiver.exitCode, receiver.stderrText()).toBeNull();
    const answers = await load;
    for (const receiver of receivers) {
      expect(receiver.stderrText()).not.toMatch(/Unhandled|Internal error/);
    }
    for (const receiver of receivers) receiver.kill('SIGTERM');
    await Promise.all(receivers.map((receiver) => once(receiver, 'exit')));

    expect(terminations).toBeGreaterThan(0);
    // Nothing but 200 and 503 (a commit whose session was ended): never a dropped connection or a 500. Whether a
    // termination lands inside a commit, and so makes a 503 at all, is the scheduler's to decide.
    expect(statuses.filter((status) => status !== 200 && status !== 503)).toEqual([]);
    expect(answers.filter((a) => a.body.status === 'recorded').length).toBe(EXECUTIONS);
    const completions = await sql<{ n: string; executions: string }>(
      database.url,
      `SELECT count(*)::text AS n, count(DISTINCT event->>'executionId')::text AS executions
         FROM ${schema}.events WHERE kind = 'execution.completed'`,
    );
    expect(completions[0]).toEqual({ n: String(EXECUTIONS), executions: String(EXECUTIONS) });
  }, 120_000);

  it('refuse a callback whose text no store keeps, alone, and record the batch it came with', async () => {
    // Issue 23, point 5: one signed callback with U+0000 (or a lone surrogate) failed its whole batch with 503.
    const schema = freshSchema();
    const seeded = pgStore(database.url, schema);
    await seedState(seeded, queuedExports(20));
    await closeStore(seeded);
    const dir = miniRepo({ 'cxone-exports.config.yaml': `backend:\n  type: pg\n  schema: ${schema}\n` });
    const port = await freePort();
    const receiver = await startServe(dir, port, { CXONE_EXPORTS_PG_URL: database.url });
    const base = `http://127.0.0.1:${port}`;
    try {
      const answers = await Promise.all([
        postCallback(base, completion('exe\u0000x'), { secret: SERVE_SECRET }),
        postCallback(base, completion('exe-\ud800'), { secret: SERVE_SECRET }),
        ...Array.from({ length: 20 }, (_, i) => postCallback(base, completion(`exe-${i}`), { secret: SERVE_SECRET })),
      ]);
      expect(answers.slice(0, 2).map((a) => [a.status, a.body.error])).toEqual([
        [400, 'executionId holds a character that cannot be stored (U+0000 or a lone surrogate)'],
        [400, 'executionId holds a character that cannot be stored (U+0000 or a lone surrogate)'],
      ]);
      expect(answers.slice(2).map((a) => a.status)).toEqual(Array(20).fill(200));
    } finally {
      receiver.kill('SIGTERM');
      await once(receiver, 'exit');
    }
    const rows = await sql<{ kind: string; n: string }>(
      database.url,
      `SELECT kind, count(*)::text AS n FROM ${schema}.events GROUP BY kind ORDER BY kind`,
    );
    expect(rows).toEqual([
      { kind: 'callback.rejected', n: '2' },
      { kind: 'execution.completed', n: '20' },
    ]);
  });

  it('answer 503 while a table they need is locked, say so on /healthz, and record once it is free', async () => {
    // Issue 23, point 4: a callback was held 67 s with no 503, while /healthz answered ok.
    const schema = freshSchema();
    const seeded = pgStore(database.url, schema);
    await seedState(seeded, queuedExports(2));
    await closeStore(seeded);
    const dir = miniRepo({
      'cxone-exports.config.yaml': `backend:\n  type: pg\n  schema: ${schema}\n  statementTimeout: 1s\n`,
    });
    const port = await freePort();
    const receiver = await startServe(dir, port, { CXONE_EXPORTS_PG_URL: database.url });
    const base = `http://127.0.0.1:${port}`;
    try {
      await withLockedTables(database.url, [`${schema}.entries`], async (unlock) => {
        const held = await postCallback(base, completion('exe-0'), { secret: SERVE_SECRET });
        expect(held.status).toBe(503);
        expect(held.retryAfter).toBeDefined();
        expect((await fetch(`${base}/healthz`)).status).toBe(503);
        await unlock();
        expect((await postCallback(base, completion('exe-0'), { secret: SERVE_SECRET })).status).toBe(200);
        expect((await fetch(`${base}/healthz`)).status).toBe(200);
      });
    } finally {
      receiver.kill('SIGTERM');
      await once(receiver, 'exit');
    }
    expect(receiver.stderrText()).toContain('did not finish a statement within 1 s (backend.statementTimeout)');
  });
});
