// Receivers side by side on one PostgreSQL state: three `serve` processes and an `apply`, 3,000 signed callbacks
// spread over the three with every completion delivered three times. Every acknowledged event is durable, each
// execution's completion is recorded once, and apply's own writes are not lost to the receivers' (or theirs to it).

import { systemClock } from '../../src/clock.js';
import type { ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { describe, expect, it } from 'vitest';
import { CallbackRecorder } from '../../src/callbacks/callback-recorder.js';
import { ReceiverMetrics } from '../../src/callbacks/receiver-metrics.js';
import { lockState } from '../../src/state/lock-state.js';
import { closeStore } from '../../src/state/state-store.js';
import { testClock } from '../support/test-clock.js';
import { applyRepo, cli } from '../support/apply-repo.js';
import { freshSchema, pgStore, sql, testDatabase } from '../support/postgres.js';
import { completion, postCallback } from '../support/receiver.js';
import type { CompletionReport } from '../../src/state/record-completion.js';
import { freePort, SERVE_SECRET, startServe } from '../support/serve-process.js';
import { startSimulator } from '../support/simulator.js';
import { queuedExports, seedState } from '../support/state-builders.js';

const database = testDatabase();
const EXECUTIONS = 1_000;
const NEW_EXPORTS = 20;

/** Runs `work` over `items`, `width` at a time. */
async function inParallel<T, R>(items: readonly T[], width: number, work: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array<R>(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: width }, async () => {
      for (let i = next++; i < items.length; i = next++) results[i] = await work(items[i]!);
    }),
  );
  return results;
}

/** A signed-off completion as the receiver hands it to the recorder. */
const report = (executionId: string): CompletionReport => ({
  executionId,
  status: 'completed',
  rowsExported: 500,
  startTime: '2026-11-27T10:00:00Z',
  endTime: '2026-11-27T10:04:10Z',
});

describe('receivers side by side on the pg backend', () => {
  it('three receivers and an apply: every event durable, each completion once, no lost update', async () => {
    const schema = freshSchema();
    const seeded = pgStore(database.url, schema);
    await seedState(seeded, queuedExports(EXECUTIONS));
    await closeStore(seeded);

    const newExports = Object.fromEntries(Array.from({ length: NEW_EXPORTS }, (_, i) => [`new-${i}`, `da-new-${i}`]));
    const dir = applyRepo({
      exports: newExports,
      config: `apply:\n  concurrency: 4\n  spacingMs: 0\nbackend:\n  type: pg\n  schema: ${schema}\n`,
    });
    const receivers: (ChildProcess & { stderrText: () => string })[] = [];
    const urls: string[] = [];
    for (let r = 0; r < 3; r++) {
      const port = await freePort();
      receivers.push(await startServe(dir, port, database.env));
      urls.push(`http://127.0.0.1:${port}`);
    }

    const sim = await startSimulator({ faults: { latencyMs: 20 } });
    const applying = cli(sim, dir, database.env)(['apply', '--auto-approve', '--target', 'new-*']);
    // Each completion to all three receivers, in a different order for each.
    const deliveries = Array.from({ length: EXECUTIONS * 3 }, (_, k) => ({
      executionId: `exe-${Math.floor(k / 3)}`,
      url: urls[(k + Math.floor(k / 3)) % 3]!,
    }));
    const answers = await inParallel(deliveries, 48, (d) =>
      postCallback(d.url, completion(d.executionId), { secret: SERVE_SECRET }),
    );
    const applied = await applying;
    for (const receiver of receivers) receiver.kill('SIGTERM');
    await Promise.all(receivers.map((receiver) => once(receiver, 'exit')));
    // Issue 22, point 5: on pg there is no state log to fold, and the last line does not say there is.
    for (const receiver of receivers) {
      expect(receiver.stderrText()).toMatch(/Stopped\. \d+ state writes this run\.\n/);
      expect(receiver.stderrText()).not.toContain('state.json');
    }

    expect(applied.code, applied.stderr).toBe(0);
    expect(answers.map((a) => a.status).filter((s) => s !== 200)).toEqual([]);
    const kinds = answers.map((a) => String(a.body.status));
    expect(kinds.filter((k) => k === 'recorded')).toHaveLength(EXECUTIONS);
    expect(kinds.filter((k) => k === 'duplicate')).toHaveLength(EXECUTIONS * 2);

    const completions = await sql<{ id: string; n: string }>(
      database.url,
      `SELECT event->>'executionId' AS id, count(*)::text AS n FROM ${schema}.events
        WHERE kind = 'execution.completed' GROUP BY 1`,
    );
    expect(completions).toHaveLength(EXECUTIONS);
    expect(completions.filter((row) => row.n !== '1')).toEqual([]);

    const after = pgStore(database.url, schema);
    const final = (await after.read()).state;
    await closeStore(after);
    const unfinished = Object.entries(final.exports).filter(
      ([name, entry]) => name.startsWith('export-') && entry.lastExecution?.status !== 'completed',
    );
    expect(unfinished.map(([name]) => name)).toEqual([]);
    const created = sim.record().executions.map((e) => e.executionId);
    for (let i = 0; i < NEW_EXPORTS; i++) {
      const entry = final.exports[`new-${i}`]!;
      expect(entry.pending).toBeNull();
      expect(created).toContain(entry.lastExecution!.executionId);
    }
    expect(Object.keys(final.exports)).toHaveLength(EXECUTIONS + NEW_EXPORTS);
  }, 120_000);

  it('asks again for an execution it does not know while an apply holds the lock, and refuses it after', async () => {
    // Apply submits, then records: on pg the receiver does not take the lock, so a fast completion can come first.
    const schema = freshSchema();
    const store = pgStore(database.url, schema);
    const applying = pgStore(database.url, schema);
    await seedState(store, queuedExports(1));
    const recorder = new CallbackRecorder({
      store,
      identity: { actor: 'test', runId: 'run-1', gitSha: undefined, toolVersion: '0.1.0' },
      metrics: new ReceiverMetrics(),
      lockTimeoutMs: 0,
      clock: testClock(Date.parse('2026-11-27T10:05:00Z')),
    });
    const rejections = async () =>
      (
        await sql<{ n: string }>(
          database.url,
          `SELECT count(*)::text AS n FROM ${schema}.events WHERE kind = 'callback.rejected'`,
        )
      )[0]!.n;
    try {
      const lock = await lockState(applying, 'apply', { clock: systemClock, timeoutMs: 0 });
      expect(await recorder.record(report('exe-new'))).toEqual({ kind: 'pending' });
      expect(await recorder.record(report('exe-0'))).toMatchObject({
        kind: 'recorded',
        exportName: 'export-0',
      });
      expect(await rejections()).toBe('0');
      await lock.release();
      expect(await recorder.record(report('exe-new'))).toEqual({ kind: 'unknown' });
      // The receiver audits the refusal, bounded (rejection-audit.ts); the recorder writes nothing for it.
      expect(await rejections()).toBe('0');
    } finally {
      await recorder.close();
      await closeStore(store);
      await closeStore(applying);
    }
  });
});
