// The callback recorder against the in-memory backend: what it records, what it refuses, what it only notes, how
// it groups what arrives together, and how it fails and recovers when the state is locked.

import type { Clock } from '../../src/clock.js';
import { testClock } from '../support/test-clock.js';
import { describe, expect, it } from 'vitest';
import { CallbackRecorder } from '../../src/callbacks/callback-recorder.js';
import type { RecordOutcome } from '../../src/callbacks/callback-recorder.js';
import { ReceiverMetrics } from '../../src/callbacks/receiver-metrics.js';
import { lockInfo } from '../../src/state/lock-state.js';
import { MemoryStore } from '../../src/state/memory-store.js';
import { execution, queuedExports, seedState } from '../support/state-builders.js';

const identity = { actor: 'test', runId: 'run-1', gitSha: undefined, toolVersion: '0.1.0' };
const NOW = new Date('2026-11-27T10:05:00.000Z');

/** A store holding `count` exports, each with a queued execution `exe-<i>`, and a recorder on it. */
async function recorderOn(count: number, { clock = testClock(NOW.getTime()) }: { clock?: Clock } = {}) {
  const store = new MemoryStore();
  await seedState(store, queuedExports(count));
  const metrics = new ReceiverMetrics();
  const failures: unknown[] = [];
  const recorder = new CallbackRecorder({
    store,
    identity,
    metrics,
    lockTimeoutMs: 0,
    clock,
    onFailure: (error) => failures.push(error),
  });
  return { store, metrics, recorder, failures };
}

const completed = (id: string) => ({
  executionId: id,
  status: 'completed',
  rowsExported: 42,
  startTime: '2026-11-27T10:01:00Z',
  endTime: '2026-11-27T10:03:00Z',
});

/** Callbacks for exe-0 to exe-49: the first alone, the others while it is being stored (the next batch). */
async function twoBatches(recorder: CallbackRecorder): Promise<void> {
  const first = recorder.record(completed('exe-0'));
  const rest = Array.from({ length: 49 }, (_, i) => recorder.record(completed(`exe-${i + 1}`)));
  await Promise.all([first, ...rest]);
}

/** Counts the locks taken on `store` from now on. */
function countLocks(store: MemoryStore): () => number {
  const tryLock = store.tryLock.bind(store);
  let count = 0;
  store.tryLock = (info) =>
    tryLock(info).then((attempt) => {
      if (attempt.acquired) count++;
      return attempt;
    });
  return () => count;
}

describe('the callback recorder', () => {
  it('records a completion once: the same callback again is a duplicate, with no second event', async () => {
    const { store, recorder } = await recorderOn(1);
    expect(await recorder.record(completed('exe-0'))).toEqual({
      kind: 'recorded',
      exportName: 'export-0',
      anomalies: [],
    });
    expect(await recorder.record(completed('exe-0'))).toEqual({ kind: 'duplicate', exportName: 'export-0' });
    const entry = (await store.read()).state.exports['export-0']!;
    expect(entry.lastExecution).toMatchObject({ status: 'completed', rowsExported: 42, latencyMs: 120_000 });
    expect(store.events.map((e) => e.event)).toEqual(['execution.completed']);
  });

  it('refuses an execution the state does not know, and leaves its audit to the receiver, which bounds it', async () => {
    const { store, recorder, metrics } = await recorderOn(1);
    expect(await recorder.record(completed('exe-unknown'))).toEqual({ kind: 'unknown' });
    expect(store.events).toEqual([]);
    expect((await store.read()).state.serial).toBe(1);
    expect((await metrics.render()).body).not.toMatch(/reason="unknown-execution"/);
  });

  it('notes, without recording, a later event that would move a finished execution', async () => {
    const { store, recorder } = await recorderOn(1);
    await recorder.record(completed('exe-0'));
    const outcome = await recorder.record({ executionId: 'exe-0', status: 'running' });
    expect(outcome).toEqual({ kind: 'ignored', exportName: 'export-0', anomalies: ['running-after-completed'] });
    expect((await store.read()).state.exports['export-0']!.lastExecution!.status).toBe('completed');
    expect(store.events.map((e) => e.event)).toEqual(['execution.completed', 'execution.anomaly']);
  });

  it('records a completion that started and ended before it was submitted, and names both anomalies', async () => {
    const { recorder } = await recorderOn(1);
    const outcome = await recorder.record({
      ...completed('exe-0'),
      startTime: '2026-11-27T09:00:00Z',
      endTime: '2026-11-27T09:01:00Z',
    });
    expect(outcome).toMatchObject({
      kind: 'recorded',
      anomalies: ['started-before-submission', 'ended-before-submission'],
    });
  });

  it('groups callbacks that arrive together into few commits, each answered only once stored', async () => {
    const { store, recorder } = await recorderOn(50);
    const seenStored: boolean[] = [];
    const outcomes = await Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        recorder.record(completed(`exe-${i}`)).then(async (outcome: RecordOutcome) => {
          const entry = (await store.read()).state.exports[`export-${i}`]!;
          seenStored.push(entry.lastExecution!.status === 'completed');
          return outcome;
        }),
      ),
    );
    expect(outcomes.every((o) => o.kind === 'recorded')).toBe(true);
    expect(seenStored).toEqual(Array.from({ length: 50 }, () => true));
    expect(recorder.writes).toBeLessThanOrEqual(2);
    expect((await store.read()).state.serial).toBe(1 + recorder.writes);
    expect(store.events.filter((e) => e.event === 'execution.completed')).toHaveLength(50);
  });

  it('keeps the lock from one batch to the next while callbacks keep coming, and lets it go when they stop', async () => {
    const { store, recorder } = await recorderOn(50);
    const taken = countLocks(store);
    await twoBatches(recorder);
    expect(recorder.writes).toBe(2);
    expect(taken()).toBe(1);
    expect(await store.tryLock(lockInfo('apply', Date.now()))).toMatchObject({ acquired: true });
  });

  it('lets the lock go between batches once it has held it for half a second, so apply gets its turn', async () => {
    let clock = NOW.getTime();
    // Every reading of the clock is 300 ms after the one before.
    const { store, recorder } = await recorderOn(50, {
      clock: { now: () => (clock += 300), sleep: () => Promise.resolve() },
    });
    const taken = countLocks(store);
    await twoBatches(recorder);
    expect(recorder.writes).toBe(2);
    expect(taken()).toBe(2);
  });

  it('while another command holds the lock, answers with a failure it reports, then recovers by itself', async () => {
    const { store, recorder, failures, metrics } = await recorderOn(2);
    const holder = lockInfo('apply', Date.now());
    await store.tryLock(holder);
    await expect(recorder.record(completed('exe-0'))).rejects.toThrow(/locked by apply/);
    expect(recorder.failure?.message).toMatch(/locked by apply/);
    expect(failures).toHaveLength(1);
    expect((await metrics.render()).body).toMatch(/cxone_exports_record_failures_total 1\n/);
    expect(store.events).toEqual([]);

    await store.unlock(holder.id);
    expect(await recorder.record(completed('exe-0'))).toMatchObject({ kind: 'recorded' });
    expect(recorder.failure).toBeUndefined();
    expect(await recorder.record(completed('exe-1'))).toMatchObject({ kind: 'recorded' });
  });

  it('sees executions another process recorded meanwhile (it reads the state again when it moved)', async () => {
    const { store, recorder } = await recorderOn(1);
    await recorder.record({ executionId: 'exe-0', status: 'running' });
    // apply submits a new execution for export-0 behind the receiver's back.
    const { state } = await store.read();
    const entry = state.exports['export-0']!;
    await store.commit(
      {
        lineage: state.lineage,
        set: { 'export-0': { ...entry, lastExecution: execution('queued', { executionId: 'exe-new' }) } },
        remove: [],
        events: [],
      },
      state.serial,
    );
    expect(await recorder.record(completed('exe-new'))).toMatchObject({ kind: 'recorded', exportName: 'export-0' });
    expect(await recorder.record(completed('exe-0'))).toEqual({ kind: 'unknown' });
  });
});
