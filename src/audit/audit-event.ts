// One line of audit.jsonl (DESIGN.md, fixed names). Completion events carry every field of the seed's AuditLog
// (timestamp, executionId, status, rowsExported, latencyMs, formatValidated, sanitizationApplied) with real values.

export type AuditEventName =
  | 'execution.intent'
  | 'execution.submitted'
  | 'execution.failed'
  | 'execution.completed'
  | 'execution.anomaly'
  | 'state.forget'
  | 'state.refresh'
  | 'schedule.held'
  | 'callback.rejected';

export interface AuditEvent {
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
  /** The environment the run acted in (`default` for a config without environments); absent on older lines. */
  environment?: string;
  actor: string;
  runId: string;
  gitSha?: string;
  toolVersion: string;
}

/** What an event says, before it is stamped with its time and run. */
export type EventFacts = Omit<AuditEvent, 'timestamp' | 'environment' | 'actor' | 'runId' | 'gitSha' | 'toolVersion'>;

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
