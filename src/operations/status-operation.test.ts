import { describe, expect, it } from 'vitest';
import type { AuditEvent } from '../audit/audit-event.js';
import { MemoryStore } from '../state/memory-store.js';
import type { StatusReport } from '../status/status-report.js';
import { appliedEntry, definition, execution } from '../../test/support/state-builders.js';
import { testClock } from '../../test/support/test-clock.js';
import { runStatus } from './status-operation.js';

const HOUR = 3_600_000;

function ended(executionId: string, status: 'completed' | 'failed', timestamp: string): AuditEvent {
  return {
    timestamp,
    event: status === 'completed' ? 'execution.completed' : 'execution.failed',
    export: 'daily',
    executionId,
    status,
    rowsExported: 10,
    latencyMs: 1000,
  } as AuditEvent;
}

/** A daily 06:00 UTC export last completed for the tick of 1 December, and two execution ends in the audit. */
async function storeWithHistory(): Promise<MemoryStore> {
  const store = new MemoryStore();
  const daily = appliedEntry(definition('daily'), {
    schedule: { cron: '0 6 * * *', timeZone: 'UTC' },
    lastExecution: execution('completed', {
      submittedAt: '2026-12-01T06:00:01.000Z',
      completedAt: '2026-12-01T06:05:00.000Z',
      coversTick: '2026-12-01T06:00:00.000Z',
    }),
  });
  await store.commit(
    {
      lineage: 'lineage-1',
      set: { daily },
      remove: [],
      events: [ended('e1', 'completed', '2026-12-01T06:05:00.000Z'), ended('e2', 'failed', '2026-12-02T06:05:00.000Z')],
    },
    0,
  );
  return store;
}

async function statusOf(store: MemoryStore, now: string, request: { at?: string; windowMs?: number } = {}) {
  const reports: StatusReport[] = [];
  await runStatus(
    {
      staleGraceMs: HOUR,
      environment: 'default',
      ...(request.at === undefined ? {} : { at: Date.parse(request.at) }),
      ...(request.windowMs === undefined ? {} : { windowMs: request.windowMs }),
    },
    { store, clock: testClock(Date.parse(now)) },
    { damagedAuditLines: () => undefined, report: (report) => reports.push(report) },
  );
  expect(reports).toHaveLength(1);
  return reports[0]!;
}

describe('the status operation', () => {
  it('judges freshness and the window at the Clock’s now', async () => {
    const store = await storeWithHistory();
    const report = await statusOf(store, '2026-12-03T12:00:00Z');
    expect(report.exports[0]!.schedule).toMatchObject({ stale: true, nextTick: '2026-12-04T06:00:00.000Z' });
    expect(report.overall).toMatchObject({ finished: 2, byStatus: { completed: 1, failed: 1 } });
    expect(report.window).toEqual({ since: null, until: null });
  });

  it('judges them at the instant --at names instead, leaving out what ended after it', async () => {
    const store = await storeWithHistory();
    const report = await statusOf(store, '2026-12-03T12:00:00Z', { at: '2026-12-01T12:00:00Z' });
    // At noon on 1 December that morning's tick had completed: fresh, the next tick the 2nd's.
    expect(report.exports[0]!.schedule).toMatchObject({ stale: false, nextTick: '2026-12-02T06:00:00.000Z' });
    expect(report.overall).toMatchObject({ finished: 1, byStatus: { completed: 1 } });
    expect(report.window).toEqual({ since: null, until: '2026-12-01T12:00:00.000Z' });
  });

  it('counts the --since window back from the instant judged at', async () => {
    const store = await storeWithHistory();
    const report = await statusOf(store, '2026-12-03T12:00:00Z', { at: '2026-12-02T12:00:00Z', windowMs: 12 * HOUR });
    expect(report.window.since).toBe('2026-12-02T00:00:00.000Z');
    expect(report.overall).toMatchObject({ finished: 1, byStatus: { failed: 1 } });
  });
});
