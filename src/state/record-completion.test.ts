import { describe, expect, it } from 'vitest';
import { appliedEntry, definition, execution } from '../../test/support/state-builders.js';
import { decideCompletion, recordCompletion } from './record-completion.js';

const entry = appliedEntry(definition('a', ['maxRows: 100']), {
  lastExecution: execution('queued', { executionId: 'e1', submittedAt: '2026-01-01T09:59:00Z' }),
});
const now = '2026-01-01T11:00:00.000Z';

describe('recordCompletion', () => {
  it('takes the status, rows and end-minus-start latency of a completed execution', () => {
    const { lastExecution, anomalies } = recordCompletion(
      entry,
      {
        executionId: 'e1',
        status: 'completed',
        rowsExported: 42,
        startTime: '2026-01-01T10:00:00Z',
        endTime: '2026-01-01T10:04:10Z',
      },
      now,
    );
    expect(anomalies).toEqual([]);
    expect(lastExecution).toMatchObject({
      status: 'completed',
      rowsExported: 42,
      latencyMs: 250_000,
      completedAt: '2026-01-01T10:04:10.000Z',
      error: null,
    });
  });

  it('flags rows above maxRows, an end before the start, and unparseable times', () => {
    expect(
      recordCompletion(
        entry,
        {
          executionId: 'e1',
          status: 'completed',
          rowsExported: 101,
          startTime: '2026-01-01T10:00:00Z',
          endTime: '2026-01-01T10:00:01Z',
        },
        now,
      ).anomalies,
    ).toEqual(['rows-exceed-max-rows']);
    const backwards = recordCompletion(
      entry,
      {
        executionId: 'e1',
        status: 'completed',
        rowsExported: 1,
        startTime: '2026-01-01T10:00:05Z',
        endTime: '2026-01-01T10:00:00Z',
      },
      now,
    );
    expect(backwards.anomalies).toEqual(['end-before-start']);
    expect(backwards.lastExecution.latencyMs).toBeNull();
    expect(
      recordCompletion(
        entry,
        { executionId: 'e1', status: 'completed', startTime: 'yesterday', endTime: '2026-01-01T10:00:00Z' },
        now,
      ).anomalies,
    ).toEqual(['unparseable-time']);
  });

  it('falls back to the time since submission when there is no start time', () => {
    expect(
      recordCompletion(entry, { executionId: 'e1', status: 'failed', endTime: '2026-01-01T10:00:00Z' }, now)
        .lastExecution,
    ).toMatchObject({ status: 'failed', latencyMs: 60_000, error: 'CXone reported the execution failed' });
  });

  it('treats an unknown status as a failure, and says so', () => {
    const result = recordCompletion(entry, { executionId: 'e1', status: 'exploded' }, now);
    expect(result.lastExecution.status).toBe('failed');
    expect(result.anomalies).toEqual(['unknown-status:exploded']);
  });

  it('flags a start or end more than a second before the submission, and allows the second CXone truncates', () => {
    const submitted = appliedEntry(definition('a', ['maxRows: 100']), {
      lastExecution: execution('queued', { executionId: 'e1', submittedAt: '2026-01-01T10:00:00.900Z' }),
    });
    // Submitted at .900; CXone writes the same second as 10:00:00: not an anomaly.
    expect(
      recordCompletion(
        submitted,
        {
          executionId: 'e1',
          status: 'completed',
          rowsExported: 1,
          startTime: '2026-01-01T10:00:00Z',
          endTime: '2026-01-01T10:00:00Z',
        },
        now,
      ),
    ).toMatchObject({ anomalies: [], lastExecution: { latencyMs: 0 } });
    const early = recordCompletion(
      submitted,
      {
        executionId: 'e1',
        status: 'completed',
        rowsExported: 1,
        startTime: '2026-01-01T09:59:50Z',
        endTime: '2026-01-01T09:59:55Z',
      },
      now,
    );
    expect(early.anomalies).toEqual(['started-before-submission', 'ended-before-submission']);
  });

  it('answers a repeated end that disagrees with the recorded one as an anomaly, not a duplicate', () => {
    const report = {
      executionId: 'e1',
      status: 'completed',
      rowsExported: 42,
      startTime: '2026-01-01T10:00:00Z',
      endTime: '2026-01-01T10:04:10Z',
    };
    const { lastExecution } = recordCompletion(entry, report, now);
    expect(decideCompletion(lastExecution, report)).toEqual({ kind: 'duplicate' });
    // Issue 23, point 12: other rows and an end before its start were answered `duplicate`.
    expect(decideCompletion(lastExecution, { ...report, rowsExported: 43, endTime: '2026-01-01T09:59:00Z' })).toEqual({
      kind: 'ignore',
      anomaly: 'repeat-disagrees:rows,end-before-start',
    });
    expect(decideCompletion(lastExecution, { ...report, endTime: '2026-01-01T10:09:10Z' })).toEqual({
      kind: 'ignore',
      anomaly: 'repeat-disagrees:times',
    });
    expect(decideCompletion(lastExecution, { ...report, status: 'failed' })).toEqual({
      kind: 'ignore',
      anomaly: 'failed-after-completed',
    });
  });
});
