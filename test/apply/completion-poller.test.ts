// The completion poller against the in-memory backend and the simulator on loopback, on a clock the test drives:
// executions end when the test ends them, never by a timer racing the assertions.

import { describe, expect, it } from 'vitest';
import { pollCompletions } from '../../src/apply/completion-poller.js';
import type { PollReporter, TrackedExecution } from '../../src/apply/completion-poller.js';
import { StateJournal } from '../../src/apply/state-journal.js';
import type { Clock } from '../../src/clock.js';
import type { CxoneSimulator } from '../../src/simulator/cxone-simulator.js';
import { MemoryStore } from '../../src/state/memory-store.js';
import type { ExportState } from '../../src/state/state-model.js';
import { appliedEntry, definition, execution, seedState } from '../support/state-builders.js';
import { samplePayload, simClient, startSimulator } from '../support/simulator.js';

const identity = { actor: 'test', runId: 'run-1', gitSha: undefined, toolVersion: '0.1.0' };
/** Executions that never end on their own: the test ends them. */
const NEVER = { minDurationMs: 3_600_000, msPerMillionRows: 0, failureRate: 0 };

const quiet: PollReporter = { progress: () => undefined, finished: () => undefined };

/** A clock whose sleeps pass at once, advancing its time, and run `onSleep` (the test's next move). */
function drivenClock(onSleep: (sleeps: number) => void = () => undefined): Clock & { slept: number[] } {
  let now = Date.parse('2026-11-27T10:00:00Z');
  const slept: number[] = [];
  return {
    slept,
    now: () => now,
    sleep: (ms) => {
      slept.push(ms);
      now += ms;
      onSleep(slept.length);
      return Promise.resolve();
    },
  };
}

/** `count` executions submitted to the simulator, and a store that holds them as queued. */
async function submitted(sim: CxoneSimulator, count: number) {
  const client = simClient(sim);
  const store = new MemoryStore();
  const tracked: TrackedExecution[] = [];
  const exports: Record<string, ExportState> = {};
  for (let i = 0; i < count; i++) {
    const name = `export-${i}`;
    const created = await client.executions.submit(samplePayload({ dataActionId: `da-${i}` }), {
      idempotencyKey: `key-${i}`,
    });
    tracked.push({ name, dataActionId: `da-${i}`, executionId: created.executionId });
    exports[name] = appliedEntry(definition(name), {
      lastExecution: execution('queued', { executionId: created.executionId, submittedAt: '2026-11-27T00:00:00Z' }),
    });
  }
  await seedState(store, exports);
  const journal = new StateJournal((await store.read()).state, store);
  /** Polls `executions` with this store and the real client, on a driven clock unless given one. */
  const poll = async (
    executions: readonly TrackedExecution[],
    options: { timeoutMs: number; once?: boolean; clock?: Clock },
  ) => {
    const result = await pollCompletions(executions, {
      client: client.executions,
      journal,
      identity,
      reporter: quiet,
      clock: options.clock ?? drivenClock(),
      timeoutMs: options.timeoutMs,
      lostAfterMs: DAY,
      ...(options.once === true ? { once: true } : {}),
    });
    await journal.drain();
    return result;
  };
  return { store, journal, tracked, poll };
}

const DAY = 86_400_000;

describe('the completion poller', () => {
  it('in one pass, records what ended and leaves the rest as it was', async () => {
    const sim = await startSimulator({ lifecycle: NEVER });
    const { store, tracked, poll } = await submitted(sim, 3);
    sim.finishExecution(tracked[1]!.executionId);
    const result = await poll(tracked, { timeoutMs: 0, once: true });
    expect(result.finished.map((e) => e.name)).toEqual(['export-1']);
    expect(result.unfinished.map((e) => e.name)).toEqual(['export-0', 'export-2']);
    const { exports } = (await store.read()).state;
    expect(exports['export-1']!.lastExecution).toMatchObject({ status: 'completed', error: null });
    expect(exports['export-0']!.lastExecution!.status).toBe('queued');
    expect(store.events).toMatchObject([{ event: 'execution.completed', export: 'export-1', reason: 'status-poll' }]);
  });

  it('polls with growing pauses until every execution ended, recording each once', async () => {
    const sim = await startSimulator({ lifecycle: NEVER });
    const { store, tracked, poll } = await submitted(sim, 2);
    // The first execution ends during the first pause, the second during the third.
    const clock = drivenClock((sleeps) => {
      if (sleeps === 1) sim.finishExecution(tracked[0]!.executionId);
      if (sleeps === 3) sim.finishExecution(tracked[1]!.executionId);
    });
    const result = await poll(tracked, { timeoutMs: 60_000, clock });
    expect(result.finished.map((e) => e.name)).toEqual(['export-0', 'export-1']);
    expect(result.unfinished).toEqual([]);
    expect(clock.slept).toEqual([1_000, 2_000, 4_000]);
    expect(store.events.filter((e) => e.event === 'execution.completed')).toHaveLength(2);
  });

  it('gives up at the timeout with what is still running, having paused no longer than it', async () => {
    const sim = await startSimulator({ lifecycle: NEVER });
    const { tracked, poll } = await submitted(sim, 1);
    const clock = drivenClock();
    const result = await poll(tracked, { timeoutMs: 10_000, clock });
    expect(result.unfinished.map((e) => e.name)).toEqual(['export-0']);
    expect(clock.slept).toEqual([1_000, 2_000, 4_000, 3_000]);
  });

  it('records as lost an execution CXone does not know, while it knows the others', async () => {
    const sim = await startSimulator({ lifecycle: NEVER });
    const { store, journal, tracked, poll } = await submitted(sim, 2);
    // export-1's execution is one the simulator never made (a tenant reset, a purge).
    const gone = { ...tracked[1]!, executionId: 'exe_gone' };
    await journal.commit({
      exports: ['export-1'],
      mutate: (s) => {
        s.exports['export-1'] = {
          ...s.exports['export-1']!,
          lastExecution: execution('running', { executionId: 'exe_gone' }),
        };
      },
      events: [],
    });
    const clock = drivenClock();
    // Its first 404 is only noted: CXone may not know an execution for a while.
    const first = await poll([tracked[0]!, gone], { timeoutMs: 0, once: true, clock });
    expect(first.lost).toEqual([]);
    expect(first.unfinished.map((e) => e.name)).toEqual(['export-0', 'export-1']);
    const firstSeen = (await store.read()).state.exports['export-1']!.lastExecution!.notFoundSince;
    expect(firstSeen).toBe(new Date(clock.now()).toISOString());
    // A day of 404s later, it is lost, and the next plan resubmits it.
    await clock.sleep(DAY);
    const later = await poll([tracked[0]!, gone], { timeoutMs: 0, once: true, clock });
    expect(later.lost.map((e) => e.name)).toEqual(['export-1']);
    expect((await store.read()).state.exports['export-1']!.lastExecution).toMatchObject({ status: 'lost' });
    expect(store.events).toMatchObject([{ event: 'execution.failed', status: 'lost', executionId: 'exe_gone' }]);
  });

  it('ends executions that answer 404 to every lookup once lostAfter has passed (issue 23, point 13)', async () => {
    const sim = await startSimulator({ lifecycle: NEVER });
    const { store, journal, tracked, poll } = await submitted(sim, 2);
    // CXone's retention passed: it knows none of them any more.
    const gone = tracked.map((t, i) => ({ ...t, executionId: `exe_purged_${i}` }));
    await journal.commit({
      exports: gone.map((g) => g.name),
      mutate: (s) => {
        for (const g of gone)
          s.exports[g.name] = {
            ...s.exports[g.name]!,
            lastExecution: execution('queued', { executionId: g.executionId }),
          };
      },
      events: [],
    });
    const clock = drivenClock();
    const first = await poll(gone, { timeoutMs: 0, once: true, clock });
    // Every lookup answering 404 may be a wrong path: said, and nothing ended yet.
    expect(first.unsupported?.message).toContain('status lookup answered 404 for every execution');
    expect(first.lost).toEqual([]);
    await clock.sleep(DAY - 1);
    expect((await poll(gone, { timeoutMs: 0, once: true, clock })).lost).toEqual([]);
    await clock.sleep(1);
    const ended = await poll(gone, { timeoutMs: 0, once: true, clock });
    expect(ended.lost.map((e) => e.name)).toEqual(['export-0', 'export-1']);
    const { exports } = (await store.read()).state;
    expect(Object.values(exports).map((e) => e.lastExecution!.status)).toEqual(['lost', 'lost']);
  });

  it('stops, recording nothing, when the API has no status lookup', async () => {
    const sim = await startSimulator({ lifecycle: NEVER, statusEndpoint: false });
    const { store, tracked, poll } = await submitted(sim, 2);
    const result = await poll(tracked, { timeoutMs: 60_000 });
    expect(result.unsupported?.message).toMatch(/status/i);
    expect(result.unfinished).toHaveLength(2);
    expect(store.events).toEqual([]);
  });
});
