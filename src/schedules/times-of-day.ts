// The times of day a five-field cron expression fires at, read from its minute and hour fields alone. They are the
// same on every day it fires (on the UTC calendar), which bounds its shortest gap without walking its calendar.

const MINUTES_PER_DAY = 1440;

/** Minutes after midnight, ascending; undefined when a field uses syntax this reading leaves to croner. */
export function timesOfDay(cron: string): number[] | undefined {
  const [minuteField = '', hourField = ''] = cron.trim().split(/\s+/);
  const minutes = fieldValues(minuteField, 59);
  const hours = fieldValues(hourField, 23);
  if (minutes === undefined || hours === undefined) return undefined;
  return hours.flatMap((hour) => minutes.map((minute) => hour * 60 + minute));
}

/**
 * The shortest gap in minutes between two runs on the same day, and the gap from a day's last run to the next
 * day's first (a lower bound for any gap across midnight, reached when two days in a row fire).
 */
export function gapsOfDay(times: readonly number[]): { sameDay: number; acrossMidnight: number } {
  let sameDay = Infinity;
  for (let i = 1; i < times.length; i++) sameDay = Math.min(sameDay, times[i]! - times[i - 1]!);
  return { sameDay, acrossMidnight: MINUTES_PER_DAY - times.at(-1)! + times[0]! };
}

/** `*`, `?`, `a`, `a-b`, with an optional `/step`, in a comma-separated list: croner's meaning for each. */
function fieldValues(field: string, max: number): number[] | undefined {
  const values = new Set<number>();
  for (const part of field.split(',')) {
    const match = /^(?:([*?])|(\d+)(?:-(\d+))?)(?:\/(\d+))?$/.exec(part);
    if (match === null) return undefined;
    const [, any, from, to, step] = match;
    // croner refuses `a/n`; so does this reading.
    if (any === undefined && to === undefined && step !== undefined) return undefined;
    const start = any !== undefined ? 0 : Number(from);
    const end = any !== undefined ? max : Number(to ?? from);
    const stride = step === undefined ? 1 : Number(step);
    if (start > end || end > max || stride < 1) return undefined;
    for (let value = start; value <= end; value += stride) values.add(value);
  }
  return [...values].sort((a, b) => a - b);
}
