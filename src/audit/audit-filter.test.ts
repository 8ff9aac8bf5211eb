import { describe, expect, it } from 'vitest';
import type { AuditEvent } from './audit-event.js';
import { auditMatcher } from './audit-filter.js';

const line = (facts: Partial<AuditEvent>): AuditEvent => ({
  timestamp: '2026-11-15T10:00:00.000Z',
  event: 'execution.submitted',
  export: 'recordings-eu',
  actor: 'ci',
  runId: 'r',
  toolVersion: '1',
  ...facts,
});

describe('the audit filter', () => {
  it('keeps a dataset’s submissions and the later lines of their executions, and nothing else', () => {
    const matches = auditMatcher({ datasets: ['ds-recordings'] });
    const log = [
      line({ event: 'execution.intent', datasetId: 'ds-recordings' }),
      line({ executionId: 'e1', datasetId: 'ds-recordings' }),
      line({ executionId: 'e2', datasetId: 'ds-agents', export: 'agents' }),
      line({ event: 'execution.completed', executionId: 'e2', export: 'agents' }),
      line({ event: 'execution.completed', executionId: 'e1' }),
    ];
    expect(log.map(matches)).toEqual([true, true, false, false, true]);
  });

  it('matches export patterns, events and a half-open window', () => {
    const matches = auditMatcher({
      exports: ['recordings-*'],
      events: ['execution.completed'],
      since: Date.parse('2026-11-01T00:00:00Z'),
      until: Date.parse('2026-12-01T00:00:00Z'),
    });
    expect(matches(line({ event: 'execution.completed' }))).toBe(true);
    expect(matches(line({ event: 'execution.completed', export: 'agents' }))).toBe(false);
    expect(matches(line({ event: 'execution.submitted' }))).toBe(false);
    expect(matches(line({ event: 'execution.completed', timestamp: '2026-12-01T00:00:00.000Z' }))).toBe(false);
    expect(matches(line({ event: 'execution.completed', timestamp: '2026-10-31T23:59:59.999Z' }))).toBe(false);
  });
});
