// How fresh a scheduled export's data is. Every tick's run should have completed by the tick, plus its starting
// deadline, plus a grace: the export is stale while the last completed execution covers an earlier tick than
// the latest one whose time is up. A suspended export is never stale: someone chose to stop it.

import { IN_FLIGHT_STATUSES } from '../contract/execution-status.js';
import { durationMs } from '../schedules/duration.js';
import { compileSchedule } from '../schedules/schedule.js';
import type { CompiledSchedule } from '../schedules/schedule.js';
import { coveredTick } from '../state/covered-tick.js';
import type { ExportState } from '../state/state-model.js';

export interface Freshness {
  cron: string;
  timeZone: string;
  /** The tick the last submission covered. */
  coveredTick: string | null;
  nextTick: string | null;
  /** The last completed execution: when it completed, and its id. */
  lastCompleted: { executionId: string; completedAt: string } | null;
  suspended: boolean;
  stale: boolean;
}

/** The export's freshness at `now`, or undefined when it has no schedule. */
export function freshness(entry: ExportState, now: Date, graceMs: number): Freshness | undefined {
  const schedule = entry.schedule;
  if (schedule === undefined) return undefined;
  const compiled = compileSchedule(schedule);
  const completed = lastCompletion(entry);
  const suspended = entry.suspend === true;
  return {
    cron: schedule.cron,
    timeZone: schedule.timeZone,
    coveredTick: iso(coveredTick(entry.lastExecution, compiled)),
    nextTick: iso(compiled.nextAfter(now)),
    lastCompleted:
      completed === undefined ? null : { executionId: completed.executionId, completedAt: completed.completedAt },
    suspended,
    stale: !suspended && isStale(entry, compiled, now, durationMs(schedule.startingDeadline ?? '0s')! + graceMs),
  };
}

function isStale(entry: ExportState, schedule: CompiledSchedule, now: Date, allowanceMs: number): boolean {
  const current = schedule.tickAt(now);
  if (current === undefined) return false;
  // The latest tick whose run should be done: the current one once its allowance is over, else the one before.
  const due =
    now.getTime() - current.getTime() >= allowanceMs ? current : schedule.tickAt(new Date(current.getTime() - 1));
  if (due === undefined) return false;
  const completed = lastCompletion(entry);
  if (completed !== undefined) return (coveredTick(completed, schedule)?.getTime() ?? 0) < due.getTime();
  // Never completed: only the first run, still under way for that tick or a later one, is not yet late.
  const last = entry.lastExecution;
  const covered = coveredTick(last, schedule);
  return !(last !== null && IN_FLIGHT_STATUSES.has(last.status) && covered !== undefined && covered >= due);
}

/** The last completed execution: recorded as such, or (in a state written before that) the last execution. */
export function lastCompletion(entry: ExportState) {
  if (entry.lastCompleted !== undefined) return entry.lastCompleted;
  const last = entry.lastExecution;
  if (last?.status !== 'completed' || last.executionId === null || last.completedAt === null) return undefined;
  return { ...last, executionId: last.executionId, completedAt: last.completedAt };
}

function iso(date: Date | undefined): string | null {
  return date?.toISOString() ?? null;
}
