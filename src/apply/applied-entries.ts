// What a submission does to the state, as pure updates of a State the executor owns: the entry as applied, its
// metadata refreshed, a held tick, a failed attempt undone or recorded. No I/O; the executor journals the result.

import type { ExportDefinition } from '../definitions/export-definition.js';
import { schedulingOf } from '../definitions/scheduling.js';
import type { PlannedChange } from '../plan/plan-model.js';
import type { HeldTickReason } from '../schedules/schedule.js';
import type { ExportState, State } from '../state/state-model.js';
import type { SubmissionOutcome } from './submission-outcome.js';

/** The entry for `definition` as applied, with its last execution. */
export function appliedVersion(
  definition: ExportDefinition,
  lastExecution: ExportState['lastExecution'],
  previous?: ExportState,
): ExportState {
  return {
    definitionHash: definition.definitionHash,
    spec: definition.spec,
    metadata: definition.metadata,
    source: { file: definition.source.file, line: definition.source.line },
    lastExecution,
    pending: null,
    ...schedulingOf(definition),
    // How fresh the data is outlives the execution that replaces it.
    ...(previous?.lastCompleted === undefined ? {} : { lastCompleted: previous.lastCompleted }),
  };
}

export function refreshMetadata(state: State, change: PlannedChange, definition: ExportDefinition): void {
  const entry = state.exports[change.name];
  if (entry === undefined) return;
  // A schedule or suspend flag the definition dropped is dropped from the entry too.
  const rest = { ...entry };
  delete rest.schedule;
  delete rest.suspend;
  state.exports[change.name] = {
    ...rest,
    metadata: definition.metadata,
    source: { file: definition.source.file, line: definition.source.line },
    ...schedulingOf(definition),
  };
}

export function recordHold(state: State, change: PlannedChange, reason: HeldTickReason): void {
  const entry = state.exports[change.name];
  if (entry !== undefined)
    state.exports[change.name] = { ...entry, heldTick: { tick: change.schedule!.tick!, reason } };
}

/** The tick a submission of `change` covers, for a scheduled export. */
export function coverage(change: PlannedChange): { coversTick?: string } {
  const tick = change.schedule?.tick;
  return tick === undefined || tick === null ? {} : { coversTick: tick };
}

export interface FailedAttempt {
  key: string;
  startedAt: string;
  message: string;
  before: { existed: boolean; pending: ExportState['pending'] };
  coversTick?: string;
}

export function recordFailure(
  state: State,
  name: string,
  definition: ExportDefinition,
  outcome: SubmissionOutcome,
  attempt: FailedAttempt,
): void {
  const entry = state.exports[name];
  if (outcome === 'unknown') return; // the intent stays: the next plan resubmits with the same key
  if (outcome === 'not-sent') {
    // Nothing left the process: undo the intent, and the export stays planned exactly as it was.
    if (entry === undefined) return;
    if (!attempt.before.existed) delete state.exports[name];
    else state.exports[name] = { ...entry, pending: attempt.before.pending };
    return;
  }
  state.exports[name] = appliedVersion(
    definition,
    {
      executionId: null,
      status: 'submit-failed',
      idempotencyKey: attempt.key,
      definitionHash: definition.definitionHash,
      submittedAt: attempt.startedAt,
      completedAt: null,
      rowsExported: null,
      latencyMs: null,
      error: attempt.message,
      ...(attempt.coversTick === undefined ? {} : { coversTick: attempt.coversTick }),
    },
    entry,
  );
}
