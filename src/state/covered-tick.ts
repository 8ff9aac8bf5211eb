// The tick a submission covers: the one it recorded, or, for one made before its export had a schedule (or by a
// version that did not record it), the tick that was current when it was submitted.

import type { CompiledSchedule } from '../schedules/schedule.js';

export function coveredTick(
  submission: { coversTick?: string; submittedAt: string } | null | undefined,
  schedule: CompiledSchedule,
): Date | undefined {
  if (submission === null || submission === undefined) return undefined;
  if (submission.coversTick !== undefined) return new Date(submission.coversTick);
  return schedule.tickAt(new Date(submission.submittedAt));
}
