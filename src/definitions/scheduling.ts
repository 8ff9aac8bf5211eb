// The part of a definition (or of a state entry) that says when it runs: recorded, compared, never sent.

import type { ExportSchedule } from '../schedules/schedule.js';

export interface Scheduling {
  schedule?: ExportSchedule;
  suspend?: true;
}

/** Only what is set: an export without a schedule or suspend flag has neither key. */
export function schedulingOf(from: Scheduling): Scheduling {
  return {
    ...(from.schedule === undefined ? {} : { schedule: from.schedule }),
    ...(from.suspend === true ? { suspend: true as const } : {}),
  };
}
