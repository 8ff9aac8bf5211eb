import { describe, expect, it } from 'vitest';
import type { AuditEvent } from '../audit/audit-event.js';
import { appliedEntry, definition, execution, stateWith } from '../../test/support/state-builders.js';
import { executionEnds } from '../audit/execution-ends.js';
import { percentile, statusReport } from './status-report.js';

const end = (
  executionId: string,
  status: string,
  latencyMs: number,
  timestamp = '2026-11-27T10:00:00Z',
): AuditEvent => ({
  timestamp,
  event: status === 'completed' ? 'execution.completed' : 'execution.failed',
  export: 'x',
  executionId,
  status,
  rowsExported: 10,
  latencyMs,
  actor: 'a',
  runId: 'r',
  toolVersion: 'v',
});

/** These exports have no schedule: the instant freshness is judged at changes nothing. */
const FRESH_AT = { now: new Date('2026-11-28T12:00:00Z'), staleGraceMs: 3_600_000 };

/** The whole audit log: no start, no end. */
const ALL_TIME = { since: null, until: null };

describe('statusReport', () => {
  const state = stateWith({
    b: appliedEntry(definition('b'), { lastExecution: execution('running', { executionId: 'e9' }) }),
    a: appliedEntry(definition('a')),
  });

  it('lists each export by name and computes the rate as completed over finished, once per execution', () => {
    const report = statusReport(
      state,
      executionEnds([
        end('e1', 'completed', 100),
        end('e2', 'failed', 300),
        end('e3', 'completed', 200),
        end('e3', 'completed', 200),
      ]),
      ALL_TIME,
      FRESH_AT,
      'sandbox',
    );
    expect(report.environment).toBe('sandbox');
    expect(report.exports.map((r) => [r.name, r.status])).toEqual([
      ['a', 'completed'],
      ['b', 'running'],
    ]);
    expect(report.overall).toMatchObject({
      finished: 3,
      completionRate: 2 / 3,
      byStatus: { completed: 2, failed: 1 },
      latencyMs: { p50: 200, p95: 300, max: 300 },
      rowsExported: 30,
    });
  });

  it('limits the window with since, and says n/a rather than 0% when nothing finished', () => {
    const report = statusReport(
      state,
      executionEnds([end('e1', 'completed', 100, '2026-11-01T00:00:00Z')]),
      { since: new Date('2026-11-20T00:00:00Z'), until: null },
      FRESH_AT,
      'default',
    );
    expect(report.overall).toMatchObject({
      finished: 0,
      completionRate: null,
      latencyMs: { p50: null, p95: null, max: null },
    });
  });

  it('leaves out what ended after the end of the window (status --at an earlier instant)', () => {
    const report = statusReport(
      state,
      executionEnds([
        end('e1', 'completed', 100, '2026-11-01T00:00:00Z'),
        end('e2', 'failed', 300, '2026-11-02T00:00:00Z'),
      ]),
      { since: null, until: new Date('2026-11-01T12:00:00Z') },
      FRESH_AT,
      'default',
    );
    expect(report.overall).toMatchObject({ finished: 1, byStatus: { completed: 1 } });
    expect(report.window).toEqual({ since: null, until: '2026-11-01T12:00:00.000Z' });
  });

  it('uses nearest-rank percentiles', () => {
    expect(percentile([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 0.95)).toBe(10);
    expect(percentile([1, 2, 3, 4], 0.5)).toBe(2);
  });

  it('flags an export whose completion is recorded more than a second before its submission', () => {
    const odd = stateWith({
      x: appliedEntry(definition('x'), {
        lastExecution: execution('completed', {
          submittedAt: '2026-11-27T10:00:05.000Z',
          completedAt: '2026-11-27T10:00:00.000Z',
        }),
      }),
      y: appliedEntry(definition('y'), {
        lastExecution: execution('completed', {
          submittedAt: '2026-11-27T10:00:00.500Z',
          completedAt: '2026-11-27T10:00:00.000Z',
        }),
      }),
    });
    expect(statusReport(odd, [], ALL_TIME, FRESH_AT, 'sandbox').exports.map((r) => [r.name, r.flags])).toEqual([
      ['x', ['completed-before-submitted']],
      ['y', undefined],
    ]);
  });
});
