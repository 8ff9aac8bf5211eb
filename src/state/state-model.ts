// The state file's model (its names are fixed: schemas/state.schema.json): what was applied, and each export's last
// execution.

import type { ExecutionStatus } from '../contract/execution-status.js';
import type { SourcePosition } from '../diagnostics/diagnostic.js';
import type { ExportMetadata, ExportSpec } from '../definitions/export-definition.js';
import type { ExportSchedule, HeldTickReason } from '../schedules/schedule.js';
import type { StateOwner } from './state-owner.js';
import type { AuditHead } from '../audit/audit-chain.js';

export const STATE_VERSION = 1;

export type { ExecutionStatus };

export interface LastExecution {
  /** Null when the submission failed before CXone gave an id. */
  executionId: string | null;
  status: ExecutionStatus;
  idempotencyKey: string;
  /** The definition version this execution ran. */
  definitionHash: string;
  submittedAt: string;
  completedAt: string | null;
  rowsExported: number | null;
  latencyMs: number | null;
  /** Why it failed, redacted; null otherwise. */
  error: string | null;
  /** Scheduled exports: the tick that was current when this was submitted, which it covers. */
  coversTick?: string;
  /** When the status lookup first answered 404 for it: lost once that is longer ago than limits.lostAfter. */
  notFoundSince?: string;
}

/** The last execution that completed, kept while a newer one runs: how fresh the export's data is. */
export interface LastCompleted {
  executionId: string;
  submittedAt: string;
  completedAt: string;
  coversTick?: string;
}

/** An intent written before a submission leaves the process: if it is still here, the outcome is unknown. */
export interface PendingIntent {
  idempotencyKey: string;
  definitionHash: string;
  startedAt: string;
}

export interface ExportState {
  definitionHash: string;
  spec: ExportSpec;
  metadata: ExportMetadata;
  source: Pick<SourcePosition, 'file' | 'line'>;
  lastExecution: LastExecution | null;
  pending: PendingIntent | null;
  /** The schedule as last applied, so status and /metrics know it without the definitions. */
  schedule?: ExportSchedule;
  suspend?: true;
  lastCompleted?: LastCompleted;
  /** The last due tick held back and audited, so the audit says it once. */
  heldTick?: { tick: string; reason: HeldTickReason };
}

export interface State extends StateOwner {
  version: number;
  /** Identifies this state's history; a plan made against another lineage never applies here. */
  lineage: string;
  /** Goes up by one on every write that changes content. */
  serial: number;
  /**
   * Where the audit chain ended at this state's last write (its sequence number and hash, signed when a key is
   * set): lines cut from the log's tail, or a log replaced by another chain, are found against it.
   */
  auditHead?: AuditHead;
  exports: Record<string, ExportState>;
}

export function emptyState(lineage: string): State {
  return { version: STATE_VERSION, lineage, serial: 0, exports: {} };
}
