// planChanges: definitions and state in, a plan out. Pure and deterministic: no I/O, no clock (the caller
// passes `createdAt`, and the instant schedules are judged at), changes sorted by name, so the same inputs give
// byte-identical JSON.

import type { ExportDefinition } from '../definitions/export-definition.js';
import { schedulingOf } from '../definitions/scheduling.js';
import type { ExportState, State } from '../state/state-model.js';
import { FAILED_STATUSES } from '../contract/execution-status.js';
import { fieldChanges } from './field-diff.js';
import { canonicalJson } from '../definitions/canonical-json.js';
import { valueAt } from '../config/overlay.js';
import { PLAN_FORMAT_VERSION } from './plan-model.js';
import type { FieldChange, Plan, PlanAction, PlanReason, PlanSummary, PlannedChange } from './plan-model.js';
import { selectNames } from './target-selection.js';
import { scheduleChange } from './schedule-change.js';

export interface PlanOptions {
  createdAt: string;
  /** Limit the plan to these exports (names or globs). */
  targets?: readonly string[];
  /** Submit these even when nothing changed (names or globs). */
  replace?: readonly string[];
  /** The promotion gate: what may be created or updated here is what completed in `from` first. */
  promotion?: Promotion;
  /** The instant schedules are judged at (`plan --at`); `createdAt` by default. */
  at?: string;
  /**
   * `apply --schedule-only`: only due ticks of exports whose definitions are applied are sent; every other change
   * waits for a reviewed apply, shown as held.
   */
  scheduleOnly?: boolean;
}

export interface Promotion {
  from: string;
  /** Exports whose current definition has a completed execution in `from`. */
  promoted: ReadonlySet<string>;
  /** Exports `from` defines at all: one it does not (disabled there) has nothing to be promoted from. */
  defined: ReadonlySet<string>;
  /** Each export's definition in `from`, as it is there now: what an update here must share to be promoted. */
  specs: ReadonlyMap<string, unknown>;
  /** --ignore-promotion: submit anyway, and say so in the audit. */
  ignore: boolean;
}

export function planChanges(definitions: readonly ExportDefinition[], state: State, options: PlanOptions): Plan {
  const byName = new Map(definitions.map((d) => [d.name, d]));
  const known = [...new Set([...byName.keys(), ...Object.keys(state.exports)])].sort();
  const targeted =
    options.targets === undefined || options.targets.length === 0
      ? undefined
      : selectNames(options.targets, known, '--target');
  const replaced =
    options.replace === undefined || options.replace.length === 0
      ? new Set<string>()
      : selectNames(options.replace, [...byName.keys()].sort(), '--replace');

  const at = new Date(options.at ?? options.createdAt);
  const changes: PlannedChange[] = [];
  for (const name of known) {
    if (targeted !== undefined && !targeted.has(name)) continue;
    const definition = byName.get(name);
    const stored = state.exports[name];
    if (definition === undefined) changes.push(heldForApply(forgetChange(name, stored!), options.scheduleOnly));
    else {
      const change = gate(definitionChange(definition, stored, replaced.has(name)), options.promotion);
      changes.push(
        heldForApply(scheduleChange(change, definition, stored, { at, lineage: state.lineage }), options.scheduleOnly),
      );
    }
  }
  return {
    formatVersion: PLAN_FORMAT_VERSION,
    createdAt: options.createdAt,
    lineage: state.lineage,
    serial: state.serial,
    changes,
    summary: summarize(changes, options.promotion !== undefined || options.scheduleOnly === true),
  };
}

function definitionChange(
  definition: ExportDefinition,
  stored: ExportState | undefined,
  replace: boolean,
): PlannedChange {
  const after = { spec: definition.spec, metadata: definition.metadata };
  const base = {
    name: definition.name,
    dataActionId: definition.spec.dataActionId,
    definitionHash: definition.definitionHash,
    after,
    source: { file: definition.source.file, line: definition.source.line },
  };
  if (stored === undefined) {
    return {
      ...base,
      action: 'create',
      reason: 'new',
      before: null,
      fieldChanges: fieldChanges(undefined, { spec: definition.spec, ...schedulingOf(definition) }),
    };
  }
  const before = { spec: stored.spec, metadata: stored.metadata };
  const specChanges = fieldChanges({ spec: stored.spec }, { spec: definition.spec });
  // Schedule and suspend, like metadata, change what is recorded but never what is sent.
  const metadataChanges = fieldChanges(
    { metadata: stored.metadata, ...schedulingOf(stored) },
    { metadata: definition.metadata, ...schedulingOf(definition) },
  );
  const decided = decide(definition, stored, replace, metadataChanges);
  const change: PlannedChange = { ...base, ...decided, before, fieldChanges: [...specChanges, ...metadataChanges] };
  if (decided.action === 'resubmit') change.idempotencyKey = stored.pending!.idempotencyKey;
  const last = stored.lastExecution;
  if (decided.action === 'retry' && last !== null)
    change.lastError = { status: last.status, message: last.error, at: last.completedAt ?? last.submittedAt };
  return change;
}

function decide(
  definition: ExportDefinition,
  stored: ExportState,
  replace: boolean,
  metadataChanges: FieldChange[],
): { action: PlanAction; reason: PlanReason } {
  const changed = stored.definitionHash !== definition.definitionHash;
  // An intent with no recorded result: the request may have reached CXone. Repeat it with the same key, unless
  // the definition has moved on, in which case the new version is submitted under a fresh key.
  if (stored.pending !== null && stored.pending.definitionHash === definition.definitionHash)
    return { action: 'resubmit', reason: 'outcome-unknown' };
  if (changed) return { action: 'update', reason: 'definition-changed' };
  const last = stored.lastExecution;
  if (last !== null && FAILED_STATUSES.includes(last.status))
    return { action: 'retry', reason: 'last-execution-failed' };
  if (replace) return { action: 'update', reason: 'replaced' };
  if (metadataChanges.length > 0) return { action: 'no-op', reason: 'metadata-changed' };
  return { action: 'no-op', reason: 'unchanged' };
}

/** A new or changed definition not yet completed in the environment it is promoted from is held back. */
function gate(change: PlannedChange, promotion: Promotion | undefined): PlannedChange {
  if (promotion === undefined || (change.action !== 'create' && change.action !== 'update')) return change;
  // Production-only exports never pass through sandbox, so nothing there can open the gate for them.
  if (!promotion.defined.has(change.name)) return { ...change, promotionNotNeeded: { environment: promotion.from } };
  // An update whose new values the source does not share (a production-only override, a production-only default)
  // was never run there, whatever completed there: it is held like an unpromoted change.
  const environmentOnly = change.action === 'update' ? unsharedFields(change, promotion.specs.get(change.name)) : [];
  if (promotion.promoted.has(change.name) && environmentOnly.length === 0) return change;
  if (promotion.ignore) return { ...change, promotionIgnored: true };
  return {
    ...change,
    action: 'blocked',
    reason: environmentOnly.length > 0 && promotion.promoted.has(change.name) ? 'environment-only' : 'not-promoted',
    blockedBy: {
      environment: promotion.from,
      wouldBe: change.action,
      ...(environmentOnly.length > 0 && promotion.promoted.has(change.name) ? { environmentOnly } : {}),
    },
  };
}

/** The changed fields whose new value differs from the source's definition: what only this environment changes. */
function unsharedFields(change: PlannedChange, sourceSpec: unknown): string[] {
  return change.fieldChanges
    .filter((field) => field.path.startsWith('spec.'))
    .filter(
      (field) =>
        canonicalJson(valueAt(sourceSpec, field.path.slice('spec.'.length).split('.')) ?? null) !==
        canonicalJson(field.after ?? null),
    )
    .map((field) => field.path);
}

/** What the schedule must not do: a change nobody has applied yet waits for the apply a reviewer approved. */
const AWAITING_APPLY: readonly PlanAction[] = ['create', 'update', 'retry', 'resubmit', 'forget'];

function heldForApply(change: PlannedChange, scheduleOnly: boolean | undefined): PlannedChange {
  if (scheduleOnly !== true || !AWAITING_APPLY.includes(change.action)) return change;
  return { ...change, action: 'blocked', reason: 'awaits-apply', awaitsApply: { wouldBe: change.action } };
}

function forgetChange(name: string, stored: ExportState): PlannedChange {
  return {
    name,
    action: 'forget',
    reason: 'removed-from-files',
    dataActionId: stored.spec.dataActionId,
    definitionHash: stored.definitionHash,
    before: { spec: stored.spec, metadata: stored.metadata },
    after: null,
    fieldChanges: fieldChanges({ spec: stored.spec }, undefined),
    source: stored.source,
  };
}

/** The count of each action; `blocked` only where a promotion gate applies, so other plans stay as they were. */
function summarize(changes: readonly PlannedChange[], gated: boolean): PlanSummary {
  const summary: PlanSummary = { create: 0, update: 0, retry: 0, resubmit: 0, run: 0, forget: 0, noop: 0 };
  let blocked = 0;
  for (const change of changes) {
    if (change.action === 'no-op') summary.noop++;
    else if (change.action === 'blocked') blocked++;
    else summary[change.action]++;
  }
  return gated ? { ...summary, blocked } : summary;
}
