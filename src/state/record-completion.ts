// How an execution's end (from a callback or a status poll) changes its state entry: the status, rows and
// latency, checked for real rather than assumed, with anything odd named as an anomaly.

import type { EventFacts } from '../audit/audit-event.js';
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

const KNOWN: readonly string[] = ['queued', 'running', 'completed', 'failed', 'cancelled'];

/** The entry's lastExecution after `report`; `nowIso` stands in for a missing end time. */
export function recordCompletion(entry: ExportState, report: CompletionReport, nowIso: string): CompletionOutcome {
  const last = entry.lastExecution;
  if (last === null || last.executionId !== report.executionId) throw new Error(`execution ${report.executionId} is not the last execution of this export`);
  const anomalies: string[] = [];
  const status = (KNOWN.includes(report.status) ? report.status : 'failed') as ExecutionStatus;
  if (!KNOWN.includes(report.status)) anomalies.push(`unknown-status:${report.status}`);

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
  if ((report.startTime != null && start === undefined) || (report.endTime != null && end === undefined)) anomalies.push('unparseable-time');
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

  const finished = status !== 'queued' && status !== 'running';
  return {
    lastExecution: {
      ...last,
      status,
      completedAt: finished ? new Date(end ?? Date.parse(nowIso)).toISOString() : null,
      rowsExported: rows,
      latencyMs: finished ? latencyMs : null,
      error: status === 'failed' ? (anomalies.includes(`unknown-status:${report.status}`) ? `CXone reported an unknown status "${report.status}"` : 'CXone reported the execution failed') : null,
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
export function completionFacts(name: string, entry: ExportState, outcome: CompletionOutcome, reason: 'callback' | 'status-poll'): EventFacts {
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
