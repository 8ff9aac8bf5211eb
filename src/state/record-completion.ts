// How an execution's end (from a callback or a status poll) changes its state entry: the status, rows and
// latency, checked for real rather than assumed, with anything odd named as an anomaly.

import { InternalError } from '../errors.js';
import type { EventFacts } from '../audit/audit-event.js';
import { CXONE_STATUSES, FINISHED_STATUSES, IN_FLIGHT_STATUSES } from '../contract/execution-status.js';
import type { ExecutionStatus, ExportState, LastExecution } from './state-model.js';

export interface CompletionReport {
  executionId: string;
  status: string;
  rowsExported?: number | null | undefined;
  startTime?: string | null | undefined;
  endTime?: string | null | undefined;
}

export interface CompletionOutcome {
  lastExecution: LastExecution;
  anomalies: string[];
}

/** CXone's startTime and endTime are truncated to the second. */
const TIME_PRECISION_MS = 1000;

/** How far along a status is: an execution only moves forward, and a finished one is final. */
function progressOf(status: string): number {
  if (status === 'queued') return 0;
  if (status === 'running') return 1;
  return 2;
}

export type CompletionDecision =
  /** A step forward: record it. */
  | { kind: 'record' }
  /** The same end again (a redelivery, or a poll got there first): acknowledged, counted once. */
  | { kind: 'duplicate' }
  /** A step back, or another end after the end: the state keeps what it has; the audit notes the anomaly. */
  | { kind: 'ignore'; anomaly: string };

/** Whether `report` may change `last`. A finished execution is final, whatever arrives later. */
export function decideCompletion(last: LastExecution, report: CompletionReport): CompletionDecision {
  const finished = FINISHED_STATUSES.has(last.status);
  if (finished && last.completedAt !== null) {
    if (report.status !== last.status) return { kind: 'ignore', anomaly: `${report.status}-after-${last.status}` };
    // The same end again is a redelivery only if it says the same: a repeat that disagrees (other rows, times
    // that give another latency or end before they start) is kept out of the state and noted.
    const disagreement = repeatDisagreement(last, report);
    return disagreement === undefined ? { kind: 'duplicate' } : { kind: 'ignore', anomaly: disagreement };
  }
  if (progressOf(report.status) < progressOf(last.status))
    return { kind: 'ignore', anomaly: `${report.status}-after-${last.status}` };
  return { kind: 'record' };
}

/** How a repeated end disagrees with the recorded one (`repeat-disagrees:rows`, …), or undefined. */
function repeatDisagreement(last: LastExecution, report: CompletionReport): string | undefined {
  const differs: string[] = [];
  if (report.rowsExported != null && last.rowsExported !== null && report.rowsExported !== last.rowsExported)
    differs.push('rows');
  const start = parseTime(report.startTime);
  const end = parseTime(report.endTime);
  if (start !== undefined && end !== undefined) {
    if (end < start) differs.push('end-before-start');
    else if (last.latencyMs !== null && Math.abs(end - start - last.latencyMs) >= TIME_PRECISION_MS)
      differs.push('times');
  }
  return differs.length === 0 ? undefined : `repeat-disagrees:${differs.join(',')}`;
}

/** The audit facts of an event that was not allowed to change a finished (or further along) execution. */
export function anomalyFacts(
  name: string,
  last: LastExecution,
  report: CompletionReport,
  anomaly: string,
  reason: 'callback' | 'status-poll',
): EventFacts {
  return {
    event: 'execution.anomaly',
    export: name,
    executionId: last.executionId,
    status: report.status,
    reason,
    anomalies: [anomaly],
    ...(report.rowsExported == null
      ? {}
      : {
          rowsExported: Number.isInteger(report.rowsExported) && report.rowsExported >= 0 ? report.rowsExported : null,
        }),
  };
}

/** The entry with its new last execution; a completed one also becomes the entry's last completed execution. */
export function withLastExecution(entry: ExportState, last: LastExecution): ExportState {
  if (last.status !== 'completed' || last.executionId === null || last.completedAt === null)
    return { ...entry, lastExecution: last };
  const lastCompleted = {
    executionId: last.executionId,
    submittedAt: last.submittedAt,
    completedAt: last.completedAt,
    ...(last.coversTick === undefined ? {} : { coversTick: last.coversTick }),
  };
  return { ...entry, lastExecution: last, lastCompleted };
}

/** The entry's lastExecution after `report`; `nowIso` stands in for a missing end time. */
export function recordCompletion(entry: ExportState, report: CompletionReport, nowIso: string): CompletionOutcome {
  const last = entry.lastExecution;
  if (last === null || last.executionId !== report.executionId)
    throw new InternalError(`execution ${report.executionId} is not the last execution of this export`);
  const anomalies: string[] = [];
  const status = (CXONE_STATUSES.includes(report.status) ? report.status : 'failed') as ExecutionStatus;
  if (!CXONE_STATUSES.includes(report.status)) anomalies.push(`unknown-status:${report.status}`);

  let rows: number | null = null;
  if (report.rowsExported !== undefined && report.rowsExported !== null) {
    if (!Number.isInteger(report.rowsExported) || report.rowsExported < 0) anomalies.push('rows-not-a-count');
    else {
      rows = report.rowsExported;
      if (rows > entry.spec.format.maxRows) anomalies.push('rows-exceed-max-rows');
    }
  }

  const start = parseTime(report.startTime);
  const end = parseTime(report.endTime);
  if ((report.startTime != null && start === undefined) || (report.endTime != null && end === undefined))
    anomalies.push('unparseable-time');
  // CXone's times carry whole seconds, so they may read up to a second before our submission time, not more.
  const submittedMs = Date.parse(last.submittedAt);
  if (!Number.isNaN(submittedMs)) {
    if (start !== undefined && start < submittedMs - TIME_PRECISION_MS) anomalies.push('started-before-submission');
    if (end !== undefined && end < submittedMs - TIME_PRECISION_MS) anomalies.push('ended-before-submission');
  }
  let latencyMs: number | null = null;
  if (start !== undefined && end !== undefined) {
    if (end < start) anomalies.push('end-before-start');
    else latencyMs = end - start;
  } else {
    // The seed measures end minus start; without a start, the time since submission is the honest fallback.
    const submitted = Date.parse(last.submittedAt);
    const until = end ?? Date.parse(nowIso);
    if (!Number.isNaN(submitted) && until >= submitted) latencyMs = until - submitted;
  }

  const finished = !IN_FLIGHT_STATUSES.has(status);
  return {
    lastExecution: {
      ...last,
      status,
      completedAt: finished ? new Date(end ?? Date.parse(nowIso)).toISOString() : null,
      rowsExported: rows,
      latencyMs: finished ? latencyMs : null,
      error:
        status === 'failed'
          ? anomalies.includes(`unknown-status:${report.status}`)
            ? `CXone reported an unknown status "${report.status}"`
            : 'CXone reported the execution failed'
          : null,
    },
    anomalies,
  };
}

function parseTime(value: string | null | undefined): number | undefined {
  if (value === undefined || value === null) return undefined;
  // RFC 3339: a date, "T", a time, and a zone.
  if (!/^\d{4}-\d\d-\d\d[Tt ]\d\d:\d\d:\d\d(\.\d+)?([Zz]|[+-]\d\d:\d\d)$/.test(value)) return undefined;
  const ms = Date.parse(value);
  return Number.isNaN(ms) ? undefined : ms;
}

/** The audit facts of a recorded end: the seed's AuditLog fields with real values, and any anomalies. */
export function completionFacts(
  name: string,
  entry: ExportState,
  outcome: CompletionOutcome,
  reason: 'callback' | 'status-poll',
): EventFacts {
  const last = outcome.lastExecution;
  return {
    event: last.status === 'completed' ? 'execution.completed' : 'execution.failed',
    export: name,
    executionId: last.executionId,
    status: last.status,
    rowsExported: last.rowsExported,
    latencyMs: last.latencyMs,
    formatValidated: true,
    sanitizationApplied: entry.spec.format.sanitizeSpecialCharacters,
    definitionHash: entry.definitionHash,
    reason,
    ...(outcome.anomalies.length > 0 ? { anomalies: outcome.anomalies } : {}),
  };
}
