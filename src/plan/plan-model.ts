// A plan (its top-level names are fixed: schemas/plan.schema.json): what apply would do, export by export, and why.

import type { SourcePosition } from '../diagnostics/diagnostic.js';
import type { ExportMetadata, ExportSpec } from '../definitions/export-definition.js';
import type { HeldTickReason } from '../schedules/schedule.js';
import type { PolicyLevel } from '../config/policy-rule.js';

export const PLAN_FORMAT_VERSION = '1.0';

export type PlanAction = 'create' | 'update' | 'retry' | 'resubmit' | 'run' | 'no-op' | 'forget' | 'blocked';

export type PlanReason =
  | 'new'
  | 'definition-changed'
  | 'last-execution-failed'
  | 'outcome-unknown'
  | 'replaced'
  | 'removed-from-files'
  | 'metadata-changed'
  | 'unchanged'
  | 'not-promoted'
  | 'environment-only'
  | 'awaits-apply'
  | 'schedule-due'
  | 'previous-still-running'
  | 'deadline-passed'
  | 'suspended';

/** Actions that submit an execution. */
export const SUBMITTING_ACTIONS: readonly PlanAction[] = ['create', 'update', 'retry', 'resubmit', 'run'];

export interface FieldChange {
  /** Dotted path inside the definition, e.g. `spec.format.delimiter`. */
  path: string;
  before: unknown;
  after: unknown;
}

export interface PlannedChange {
  name: string;
  action: PlanAction;
  reason: PlanReason;
  dataActionId: string;
  /** The definition version apply will submit (or the stored one, for forget). */
  definitionHash: string;
  /** What the state holds (null for create). */
  before: { spec: ExportSpec; metadata: ExportMetadata } | null;
  /** What the files hold (null for forget). */
  after: { spec: ExportSpec; metadata: ExportMetadata } | null;
  fieldChanges: FieldChange[];
  source: Pick<SourcePosition, 'file' | 'line'>;
  /** resubmit only: the key of the attempt whose outcome is unknown, reused so CXone answers with that execution. */
  idempotencyKey?: string;
  /** retry only: how the last attempt ended (a 403 stays a 403 until someone acts), and when. */
  lastError?: { status: string; message: string | null; at: string };
  /**
   * blocked only: the environment this definition must complete in first, and what the change would be; for an
   * environment-only change, the fields whose new value the environment it is promoted from does not share.
   */
  blockedBy?: { environment: string; wouldBe: PlanAction; environmentOnly?: string[] };
  /** blocked only, by `apply --schedule-only`: the change a reviewed apply would make; the schedule does not. */
  awaitsApply?: { wouldBe: PlanAction };
  /** Submitted although not promoted (--ignore-promotion): the plan and the audit line say so. */
  promotionIgnored?: true;
  /** Not gated: the environment it is promoted from does not define it (disabled there), so nothing is to wait for. */
  promotionNotNeeded?: { environment: string };
  /** A due tick held back for the first time, and why: apply audits it once and notes it on the entry. */
  recordsHold?: HeldTickReason;
  /** suspended only: what the change would be if the export were not suspended. */
  suspendedWouldBe?: PlanAction;
  /** Scheduled exports: where the schedule stands at the plan's instant. */
  schedule?: PlannedSchedule;
}

export interface PlannedSchedule {
  cron: string;
  timeZone: string;
  /** The latest scheduled time at or before the plan's instant (null: none yet). */
  tick: string | null;
  nextTick: string | null;
  /** The tick the last submission covered (null: none). */
  coveredTick: string | null;
}

export interface PlanSummary {
  create: number;
  update: number;
  retry: number;
  resubmit: number;
  /** Scheduled runs that are due. */
  run: number;
  forget: number;
  noop: number;
  /** Held back by the promotion gate; present only where an environment has one. */
  blocked?: number;
}

export interface Plan {
  formatVersion: string;
  createdAt: string;
  /** The state the plan was made against. */
  lineage: string;
  serial: number;
  changes: PlannedChange[];
  summary: PlanSummary;
  /** What the environment's policies found (docs/guides/policies.md); absent where it has none. */
  policyHits?: PolicyHit[];
}

/** A rule that matched a change, or that could not be evaluated on it (which denies it: fail closed). */
export interface PolicyHit {
  policy: string;
  level: PolicyLevel;
  export: string;
  environment: string;
  description?: string;
  /** Set when the rule failed while evaluating: the change is denied, and this says why. */
  error?: string;
  /** approval only: who may approve, and who has, or what was missing to know (fail closed). */
  approval?: PolicyApproval;
}

export interface PolicyApproval {
  approvers: string[];
  /** The approver whose latest review is APPROVED; null while no listed one has. */
  approvedBy: string | null;
  /** Why no approval could be found (outside GitHub, an API error, no pull request): the rule is not satisfied. */
  missing?: string;
  /** `apply --override-policy`: let through by whom, and why. */
  overriddenBy?: { actor: string; reason: string };
}

/** True when a hit stops the plan: a deny, or an approval no listed approver gave (and nobody overrode). */
export function blocksApply(hit: PolicyHit): boolean {
  if (hit.level === 'deny') return true;
  if (hit.level !== 'approval') return false;
  return hit.approval?.approvedBy == null && hit.approval?.overriddenBy === undefined;
}

/** True when a policy denies something in the plan: plan exits 1, apply sends nothing. */
export function deniedByPolicy(plan: Plan): boolean {
  return (plan.policyHits ?? []).some(blocksApply);
}

export function submissions(summary: PlanSummary): number {
  return summary.create + summary.update + summary.retry + summary.resubmit + summary.run;
}

/**
 * A change apply records without calling CXone: a forgotten export, new metadata (schedule, suspend), or a due
 * tick held back for the first time.
 */
export function recordsLocally(change: PlannedChange): boolean {
  return change.action === 'forget' || change.reason === 'metadata-changed' || change.recordsHold !== undefined;
}

/** A change a reviewer sees: anything but an unchanged export. A held tick is shown with the schedules. */
export function isShown(change: PlannedChange): boolean {
  return change.action !== 'no-op' || change.reason === 'metadata-changed';
}

export function hasChanges(plan: Plan): boolean {
  return plan.changes.some(isShown);
}
