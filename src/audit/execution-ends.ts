// How executions ended, read from the audit log: one verdict per execution. A finished execution is final, so
// the first end logged is the verdict; a later line for the same execution (a redelivery after a crash between
// the audit line and the state write) is not counted again.

import { FINISHED_STATUSES } from '../contract/execution-status.js';
import type { AuditEvent, AuditEventName } from './audit-event.js';

/** The audit events that can end an execution. */
export const END_EVENTS: readonly AuditEventName[] = ['execution.completed', 'execution.failed'];

export type ExecutionEnd = Pick<AuditEvent, 'timestamp' | 'executionId' | 'status' | 'rowsExported' | 'latencyMs'>;

/** Collects ends one event at a time, so a log of any size is read in one pass. */
export class ExecutionEnds {
  private readonly ends = new Map<string, ExecutionEnd>();

  /** True when `event` is the first end of its execution (and so counts). */
  add(event: AuditEvent): boolean {
    if (!END_EVENTS.includes(event.event) || event.executionId == null || !FINISHED_STATUSES.has(event.status ?? ''))
      return false;
    if (this.ends.has(event.executionId)) return false;
    this.ends.set(event.executionId, {
      timestamp: event.timestamp,
      executionId: event.executionId,
      status: event.status,
      rowsExported: event.rowsExported ?? null,
      latencyMs: event.latencyMs ?? null,
    });
    return true;
  }

  /** The verdicts, optionally only those logged since a time. */
  list(since: Date | null = null): ExecutionEnd[] {
    const all = [...this.ends.values()];
    return since === null ? all : all.filter((end) => Date.parse(end.timestamp) >= since.getTime());
  }
}

/** The first end of each execution among `events`, optionally since a time. */
export function executionEnds(events: readonly AuditEvent[], since: Date | null = null): ExecutionEnd[] {
  const ends = new ExecutionEnds();
  for (const event of events) ends.add(event);
  return ends.list(since);
}
