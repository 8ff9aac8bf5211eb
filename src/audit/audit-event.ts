// One line of audit.jsonl (DESIGN.md, fixed names). Completion events carry every field of the seed's AuditLog
// (timestamp, executionId, status, rowsExported, latencyMs, formatValidated, sanitizationApplied) with real values.

export type AuditEventName = 'execution.intent' | 'execution.submitted' | 'execution.failed' | 'execution.completed' | 'state.forget' | 'state.refresh' | 'callback.rejected';

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
  actor: string;
  runId: string;
  gitSha?: string;
  toolVersion: string;
}

/** Who and what run an event belongs to: the same on every line a run writes. */
export interface RunIdentity {
  actor: string;
  runId: string;
  gitSha: string | undefined;
  toolVersion: string;
}
