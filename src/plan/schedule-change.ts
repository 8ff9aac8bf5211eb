// What a schedule does to a planned change. A scheduled export has an execution for every tick (its latest
// scheduled time at or before the plan's instant): a tick that no submission covered yet is due and becomes a
// `run`, unless the export is suspended, the previous execution still runs (CronJob's Forbid), or the tick is
// older than its starting deadline. Missed ticks collapse into the latest one. Any submission covers the tick
// current when it is made, so a definition change at 10:00 satisfies the day's 06:00 run.

import { IN_FLIGHT_STATUSES } from '../contract/execution-status.js';
import type { ExportDefinition } from '../definitions/export-definition.js';
import { durationMs } from '../schedules/duration.js';
import { compileSchedule } from '../schedules/schedule.js';
import type { HeldTickReason } from '../schedules/schedule.js';
import { scheduledRunKey } from '../schedules/scheduled-key.js';
import { coveredTick } from '../state/covered-tick.js';
import type { ExportState } from '../state/state-model.js';
import { SUBMITTING_ACTIONS } from './plan-model.js';
import type { PlannedChange } from './plan-model.js';

export function scheduleChange(
  change: PlannedChange,
  definition: ExportDefinition,
  stored: ExportState | undefined,
  context: { at: Date; lineage: string },
): PlannedChange {
  const suspended = definition.suspend === true;
  if (suspended && SUBMITTING_ACTIONS.includes(change.action))
    change = { ...change, action: 'no-op', reason: 'suspended', suspendedWouldBe: change.action };
  const schedule = definition.schedule;
  if (schedule === undefined) return change;
  const compiled = compileSchedule(schedule);
  const tick = compiled.tickAt(context.at);
  const covered = coveredTick(stored?.lastExecution, compiled);
  const planned = {
    ...change,
    schedule: {
      cron: schedule.cron,
      timeZone: schedule.timeZone,
      tick: tick?.toISOString() ?? null,
      nextTick: compiled.nextAfter(context.at)?.toISOString() ?? null,
      coveredTick: covered?.toISOString() ?? null,
    },
  };
  // Only an unchanged export can be due: every other action submits (covering the tick) or is held back.
  if (change.action !== 'no-op' || tick === undefined || stored === undefined) return planned;
  if (covered !== undefined && tick.getTime() <= covered.getTime()) return planned;
  const held = notDue(definition, stored, tick, context.at);
  if (held !== undefined) {
    const withReason = change.reason === 'unchanged' ? { ...planned, reason: held } : planned;
    // A tick held back is audited once (apply records it on the entry), not on every apply until it moves on.
    const recorded = stored.heldTick?.tick === tick.toISOString() && stored.heldTick.reason === held;
    return held === 'suspended' || recorded ? withReason : { ...withReason, recordsHold: held };
  }
  return {
    ...planned,
    action: 'run',
    reason: 'schedule-due',
    idempotencyKey: scheduledRunKey({
      lineage: context.lineage,
      name: definition.name,
      definitionHash: definition.definitionHash,
      tick: tick.toISOString(),
    }),
  };
}

/** Why a tick that no submission covered is still not run, or undefined when it is due. */
function notDue(
  definition: ExportDefinition,
  stored: ExportState,
  tick: Date,
  at: Date,
): HeldTickReason | 'suspended' | undefined {
  if (definition.suspend === true) return 'suspended';
  const last = stored.lastExecution;
  if (last !== null && IN_FLIGHT_STATUSES.has(last.status)) return 'previous-still-running';
  const deadline = definition.schedule?.startingDeadline;
  const deadlineMs = deadline === undefined ? undefined : durationMs(deadline);
  if (deadlineMs !== undefined && at.getTime() - tick.getTime() > deadlineMs) return 'deadline-passed';
  return undefined;
}
