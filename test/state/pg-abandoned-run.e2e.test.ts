// What a run killed mid-apply leaves behind on the pg backend, beside a receiver, on another host: its lease,
// and executions CXone finished while the lease stood. The receiver answers 503 only while the lease is live,
// then the documented 404 with one bounded audit line; the next apply takes the lock when the lease ends,
// resubmits with the same key, and records the end CXone reports for the execution it gets back, with the first
// attempt's time, so nothing sits queued and no false anomaly is written. Each end is in the audit once.

import { describe, expect, it } from 'vitest';
import { signCallback } from '../../src/contract/callback-signature.js';
import { applyRepo } from '../support/apply-repo.js';
import { killWhileMaking } from '../support/kill-while-making.js';
import { runOnHost } from '../support/other-host.js';
import { freshSchema, pgStore, sql, testDatabase } from '../support/postgres.js';
import { runCliAsync } from '../support/run-cli.js';
import { freePort, SERVE_SECRET, startServe } from '../support/serve-process.js';
import { simEnvironment, startSimulator } from '../support/simulator.js';

const database = testDatabase();

describe('a run killed mid-apply on the pg backend, beside a receiver', () => {
  it('frees its lock and its executions: 404 past the lease, the end recorded at resubmission, once', async () => {
    const port = await freePort();
    const kill = killWhileMaking('da-2');
    const sim = await startSimulator({
      callbackSecret: SERVE_SECRET,
      lifecycle: { minDurationMs: 50, msPerMillionRows: 0, failureRate: 0 },
      onSubmission: kill.onSubmission,
    });
    const schema = freshSchema();
    const dir = applyRepo({
      exports: { a: 'da-1', b: 'da-2', c: 'da-3' },
      config:
        `defaults:\n  callbackUrl: http://127.0.0.1:${port}/webhook/cxone-callback\n` +
        `apply:\n  concurrency: 1\n  spacingMs: 0\nbackend:\n  type: pg\n  schema: ${schema}\n  lockLease: 3s\n`,
    });
    const env = { ...simEnvironment(sim), ...database.env };
    const serve = await startServe(dir, port, database.env);
    try {
      const killed = await runOnHost('runner-a', ['apply', '--auto-approve'], {
        cwd: dir,
        env,
        onSpawn: kill.onSpawn,
      });
      expect(killed.code).toBe(137);
      // b's execution ends while the dead run's lease stands: its callback is answered 503 (a run may still be
      // recording it), and once the lease has ended, 404, with an audit line.
      await expect
        .poll(() => sim.record().executions.find((e) => e.dataActionId === 'da-2')?.callback?.settled, {
          timeout: 20_000,
        })
        .toBe(true);
      const b = sim.record().executions.find((e) => e.dataActionId === 'da-2')!;
      expect([503, 404]).toContain(b.callback?.status);
      await expect
        .poll(
          async () =>
            (await sql<{ ended: boolean }>(database.url, `SELECT expires_at <= now() AS ended FROM ${schema}.locks`))[0]
              ?.ended,
          { timeout: 20_000, interval: 100 },
        )
        .toBe(true);
      // CXone delivering b's end again now: the lease has ended, so no run may still record it.
      const body = Buffer.from(
        JSON.stringify({
          executionId: b.executionId,
          status: 'completed',
          rowsExported: 1,
          startTime: b.startTime,
          endTime: b.endTime,
        }),
      );
      const timestamp = Math.floor(Date.now() / 1000);
      const late = await fetch(`http://127.0.0.1:${port}/webhook/cxone-callback`, {
        method: 'POST',
        headers: {
          'Content-Type': 'application/json',
          'X-CXone-Timestamp': String(timestamp),
          'X-CXone-Signature': signCallback(SERVE_SECRET, timestamp, body),
        },
        body,
      });
      expect(late.status).toBe(404);
      const refused = await sql<{ n: string }>(
        database.url,
        `SELECT count(*)::text AS n FROM ${schema}.events WHERE kind = 'callback.rejected' AND event ->> 'reason' = 'unknown-execution'`,
      );
      expect(Number(refused[0]!.n)).toBeGreaterThanOrEqual(1);

      const next = await runOnHost('runner-b', ['apply', '--auto-approve', '--lock-timeout', '1m'], { cwd: dir, env });
      expect(next.code, next.stderr).toBe(0);
      // a's and c's ends come by callback, recorded by the receiver.
      await expect
        .poll(
          () =>
            sim
              .record()
              .executions.filter((e) => e.dataActionId !== 'da-2' && e.callback?.status === 200)
              .map((e) => e.dataActionId)
              .sort(),
          { timeout: 20_000 },
        )
        .toEqual(['da-1', 'da-3']);
    } finally {
      serve.kill('SIGTERM');
      await new Promise((resolve) => serve.once('exit', resolve));
    }
    // One execution per export: b's resubmission got back the execution it made the first time.
    const executions = sim.record().executions;
    expect(executions.map((e) => e.dataActionId).sort()).toEqual(['da-1', 'da-2', 'da-3']);
    const store = pgStore(database.url, schema);
    try {
      const { state } = await store.read();
      const b = state.exports.b!.lastExecution!;
      const made = executions.find((e) => e.dataActionId === 'da-2')!;
      expect(b).toMatchObject({ executionId: made.executionId, status: 'completed' });
      // The first attempt's time: before CXone made the execution, so no started-before-submission anomaly.
      expect(Date.parse(b.submittedAt)).toBeLessThanOrEqual(Date.parse(made.createdAt));
    } finally {
      await store.close();
    }
    const events = (await runCliAsync(['audit', 'export'], { cwd: dir, env })).stdout
      .split('\n')
      .filter(Boolean)
      .map((line) => JSON.parse(line) as { event: string; executionId?: string; anomaly?: string });
    const ends = events.filter((e) => e.event === 'execution.completed' || e.event === 'execution.failed');
    const perExecution = new Map<string, number>();
    for (const e of ends)
      if (e.executionId) perExecution.set(e.executionId, (perExecution.get(e.executionId) ?? 0) + 1);
    expect([...perExecution.values()].every((n) => n === 1)).toBe(true);
    expect(perExecution.size).toBe(3);
    expect(events.filter((e) => e.event === 'execution.anomaly')).toEqual([]);
    expect((await runCliAsync(['plan'], { cwd: dir, env })).stdout).toBe('No changes. Exports match the state.\n');
  });
});
