// How executions ended, read from the audit log: one verdict per execution, the last one logged, because a
// callback and a status poll may both report the same end.

import type { AuditEvent } from './audit-event.js';

export const FINISHED_STATUSES: ReadonlySet<string> = new Set(['completed', 'failed', 'cancelled']);

/** The final `execution.completed` / `execution.failed` event of each execution, optionally since a time. */
export function executionEnds(events: readonly AuditEvent[], since: Date | null = null): AuditEvent[] {
  const ends = new Map<string, AuditEvent>();
  for (const event of events) {
    if ((event.event !== 'execution.completed' && event.event !== 'execution.failed') || event.executionId == null || !FINISHED_STATUSES.has(event.status ?? '')) continue;
    if (since !== null && Date.parse(event.timestamp) < since.getTime()) continue;
    ends.set(event.executionId, event);
  }
  return [...ends.values()];
}
