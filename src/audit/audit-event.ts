// One line of audit.jsonl (its names are fixed: docs/reference/audit-events.md). Completion events carry every field of
// the seed's AuditLog (timestamp, executionId, status, rowsExported, latencyMs, formatValidated, sanitizationApplied)
// with real values.

import type { ExecutionPayload } from '../contract/execution-payload.js';

export type AuditEventName =
  | 'execution.intent'
  | 'execution.submitted'
  | 'execution.failed'
  | 'execution.completed'
  | 'execution.anomaly'
  | 'state.forget'
  | 'state.refresh'
  | 'schedule.held'
  | 'callback.rejected'
  | 'policy.decision';

/** What each event records, for the reference (docs/reference/audit-events.md); every name has its line. */
export const AUDIT_EVENTS: Record<AuditEventName, string> = {
  'execution.intent':
    'apply is about to submit an execution: written (with its Idempotency-Key) before the request, so a crash between the two is resubmitted with the same key',
  'execution.submitted':
    'CXone accepted a submission: its executionId, what was sent (`dataActionId`, `datasetId`, `format`), the definition hash, the tick it covers',
  'execution.failed': 'a submission failed for good: the error code and message',
  'execution.completed':
    'an execution ended (from a callback, `refresh` or `apply --wait`): status, rows, latency, `formatValidated`, `sanitizationApplied`',
  'execution.anomaly':
    'a report that contradicts what is recorded (a later event for a finished execution, more rows than `maxRows`): noted, not applied',
  'state.forget': '`state rm` or a definition removed from the repository: the export left the state',
  'state.refresh': '`refresh` looked up executions still running, and what it found',
  'schedule.held': 'a scheduled tick was not run: its `startingDeadline` had passed, or the export is suspended',
  'policy.decision':
    'apply acted on a policy hit: the rule, its level, the export, and the decision (`warned`, `approved` with the approver, or `overridden` with the reason and who ran it)',
  'callback.rejected':
    'the receiver refused callbacks (bad signature, unknown execution, bad body): a line per reason and source, or a summary line for a burst',
};

export interface AuditEvent {
  /** The line's place in the audit chain, and the hash of the line before it (audit-chain.ts); set as written. */
  seq?: number;
  prev?: string;
  timestamp: string;
  event: AuditEventName;
  export: string | null;
  executionId?: string | null;
  status?: string | null;
  rowsExported?: number | null;
  latencyMs?: number | null;
  /** True only because the definition passed validation in this run. */
  formatValidated?: boolean;
  /** The definition's own sanitizeSpecialCharacters flag. */
  sanitizationApplied?: boolean;
  definitionHash?: string | null;
  /** execution.intent and execution.submitted: what was sent to CXone (never the callback URL or its token). */
  dataActionId?: string;
  datasetId?: string;
  format?: ExecutionPayload['export'];
  idempotencyKey?: string;
  error?: string;
  anomalies?: string[];
  reason?: string;
  /** Scheduled exports: the tick a submission covers, or a held tick. */
  tick?: string;
  /** callback.rejected: how many requests this line stands for (1 when absent), and where the first came from. */
  count?: number;
  sources?: string[];
  /** callback.rejected: the end of the window a summary line covers. */
  until?: string;
  /** policy.decision: the rule, its level, what apply did with the hit, and who approved it. */
  policy?: string;
  level?: string;
  decision?: 'warned' | 'approved' | 'overridden';
  approver?: string;
  /** The environment the run acted in (`default` for a config without environments); absent on older lines. */
  environment?: string;
  actor: string;
  runId: string;
  gitSha?: string;
  toolVersion: string;
}

/** What an event says, before it is stamped with its time and run. */
export type EventFacts = Omit<
  AuditEvent,
  'seq' | 'prev' | 'timestamp' | 'environment' | 'actor' | 'runId' | 'gitSha' | 'toolVersion'
>;

/** Who and what run an event belongs to, and where it acts: the same on every line a run writes. */
export interface RunIdentity {
  environment?: string | undefined;
  actor: string;
  runId: string;
  gitSha: string | undefined;
  toolVersion: string;
}

/** An event as written: its facts, the time, and the run's identity. */
export function stampEvent(identity: RunIdentity, timestamp: string, facts: EventFacts): AuditEvent {
  return {
    timestamp,
    ...facts,
    ...(identity.environment === undefined ? {} : { environment: identity.environment }),
    actor: identity.actor,
    runId: identity.runId,
    ...(identity.gitSha === undefined ? {} : { gitSha: identity.gitSha }),
    toolVersion: identity.toolVersion,
  };
}
