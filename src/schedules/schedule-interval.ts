// How often a schedule runs at most: the shortest gap between two consecutive runs, computed over the whole
// calendar rather than sampled, on the calendar's own clock and in the schedule's zone, whose clock changes can
// bring two runs closer than any two days do.

import { dayMatcher, timesOfDay } from './cron-expression.js';
import type { CronExpression, DayMatcher } from './cron-expression.js';
import { compileSchedule, readCronOrThrow } from './schedule.js';
import type { ExportSchedule } from './schedule.js';
import { offsetChanges } from './zone-clock.js';
import type { OffsetChange } from './zone-clock.js';

const MINUTE = 60_000;
const DAY = 86_400_000;

/** Weekdays and leap years repeat every 400 Gregorian years: 146,097 days. The cycle is counted from 2026. */
const CYCLE_START = Date.UTC(2026, 0, 1);
const CYCLE_DAYS = 146_097;
/**
 * Under a zone's current rules its changes fall on the same dates every 28 years, the cycle of weekdays and
 * leap years until 2100: the changes of 2026 to 2053 are all the kinds there are.
 */
const ZONE_CHANGES_FROM = CYCLE_START;
const ZONE_CHANGES_TO = Date.UTC(2054, 0, 1);

/** The shortest gap, and the first two consecutive runs that leave it. */
export interface ShortestGap {
  ms: number;
  /** The two runs: wall-clock times when `across` is `calendar`, instants when it is a clock change. */
  from: number;
  to: number;
  /** `calendar`: between days (and within one); `clock-change`: across a change of the zone's offset. */
  across: 'calendar' | 'clock-change';
}

const gaps = new Map<string, ShortestGap | undefined>();

/** The shortest gap between two consecutive runs, or undefined when the schedule never runs. */
export function shortestGap(schedule: Pick<ExportSchedule, 'cron' | 'timeZone'>): ShortestGap | undefined {
  const key = `${schedule.timeZone} ${schedule.cron}`;
  if (!gaps.has(key)) gaps.set(key, measure(schedule));
  return gaps.get(key);
}

/** More than any zone's clocks move at once (Antarctica/Troll's two hours). */
const LARGEST_SHIFT = 3 * 3_600_000;

/**
 * The shortest gap when it is shorter than `minimumMs`, else undefined. A fixed-time job's runs move by at most a
 * clock change's shift and never run twice, so its calendar gap settles most schedules without the zone's changes.
 */
export function gapShorterThan(
  schedule: Pick<ExportSchedule, 'cron' | 'timeZone'>,
  minimumMs: number,
): ShortestGap | undefined {
  const expression = readCronOrThrow(schedule.cron);
  const calendar = calendarGap(expression);
  if (calendar === undefined || (expression.fixedTime && calendar.ms - LARGEST_SHIFT >= minimumMs)) return undefined;
  const gap = shortestGap(schedule);
  return gap !== undefined && gap.ms < minimumMs ? gap : undefined;
}

/** Why the expression never runs (a month without the day it names), or undefined when it runs. */
export function neverRunsProblem(expression: CronExpression): string | undefined {
  if (closestDays(expression) !== undefined) return undefined;
  const { dayOfMonth } = expression.dayFields;
  const longest = Math.max(...expression.months.map((month) => new Date(Date.UTC(2028, month, 0)).getUTCDate()));
  return `it never runs: no month it names has a day-of-month ${JSON.stringify(dayOfMonth)} (the longest has ${longest} days)`;
}

function measure(schedule: Pick<ExportSchedule, 'cron' | 'timeZone'>): ShortestGap | undefined {
  const expression = readCronOrThrow(schedule.cron);
  const calendar = calendarGap(expression);
  if (calendar === undefined || schedule.timeZone === 'UTC') return calendar;
  let shortest = calendar;
  const wall: WallSchedule = {
    fixedTime: expression.fixedTime,
    runsOn: dayMatcher(expression),
    times: timesOfDay(expression),
  };
  for (const change of offsetChanges(schedule.timeZone, ZONE_CHANGES_FROM, ZONE_CHANGES_TO)) {
    const gap = gapAcrossChange(wall, schedule, change);
    if (gap !== undefined && gap.ms < shortest.ms) shortest = gap;
  }
  return shortest;
}

/**
 * The shortest gap on a clock without changes. Every day that runs has the same times, so it is the shorter of
 * the closest two times in a day and the closest two days' last and first times.
 */
function calendarGap(expression: CronExpression): ShortestGap | undefined {
  const days = closestDays(expression);
  if (days === undefined) return undefined;
  const times = timesOfDay(expression);
  // The first day's closest times come before any two days' last and first: on a tie, they are the ones named.
  let best: ShortestGap | undefined;
  for (let i = 1; i < times.length; i++) {
    const ms = (times[i]! - times[i - 1]!) * MINUTE;
    if (best === undefined || ms < best.ms) {
      const from = days.first * DAY + times[i - 1]! * MINUTE;
      best = { ms, from, to: from + ms, across: 'calendar' };
    }
  }
  const acrossDays = (days.apart * 1440 - times.at(-1)! + times[0]!) * MINUTE;
  if (best === undefined || acrossDays < best.ms)
    best = {
      ms: acrossDays,
      from: days.from * DAY + times.at(-1)! * MINUTE,
      to: (days.from + days.apart) * DAY + times[0]! * MINUTE,
      across: 'calendar',
    };
  return best;
}

interface ClosestDays {
  /** The first day that runs, counted from 1970-01-01. */
  first: number;
  /** The first of the two closest consecutive days that run, and how many days apart they are. */
  from: number;
  apart: number;
}

/** Expressions share their day fields (`* * *` mostly): each set of days is walked once per process. */
const closestDaysByFields = new Map<string, ClosestDays | undefined>();

/** The fewest days between two consecutive days that run, over a whole calendar cycle. */
function closestDays(expression: CronExpression): ClosestDays | undefined {
  const key = [expression.daysOfMonth, expression.months, expression.daysOfWeek, expression.dayRule].join(' ');
  if (!closestDaysByFields.has(key))
    closestDaysByFields.set(key, walkCycle(dayMatcher(expression), fewestDaysApart(expression)));
  return closestDaysByFields.get(key);
}

/**
 * No two days that run can be closer than this, so the walk stops once it finds two that are: a day or two for
 * most schedules, where the whole cycle would cost some ten milliseconds.
 */
function fewestDaysApart(expression: CronExpression): number {
  if (expression.dayRule === 'any') return 1;
  const days = expression.daysOfMonth;
  let byMonthDay = Infinity;
  for (let i = 1; i < days.length; i++) byMonthDay = Math.min(byMonthDay, days[i]! - days[i - 1]!);
  // From the last day a month has to the first day of the next month.
  for (const length of [28, 29, 30, 31]) {
    const last = days.filter((day) => day <= length).at(-1);
    if (last !== undefined) byMonthDay = Math.min(byMonthDay, length - last + days[0]!);
  }
  const weekdays = expression.daysOfWeek;
  let byWeekday = 7 - weekdays.at(-1)! + weekdays[0]!;
  for (let i = 1; i < weekdays.length; i++) byWeekday = Math.min(byWeekday, weekdays[i]! - weekdays[i - 1]!);
  return Math.max(1, byMonthDay, byWeekday);
}

function walkCycle(runsOn: DayMatcher, fewestApart: number): ClosestDays | undefined {
  const startDay = CYCLE_START / DAY;
  let first: number | undefined;
  let previous: number | undefined;
  let closest: { from: number; apart: number } | undefined;
  let year = 2026;
  let month = 1;
  let day = 1;
  let weekday = new Date(CYCLE_START).getUTCDay();
  for (let index = 0; index < CYCLE_DAYS; index++) {
    if (runsOn(month, day, weekday)) {
      if (previous !== undefined && (closest === undefined || index - previous < closest.apart)) {
        closest = { from: startDay + previous, apart: index - previous };
        if (closest.apart === fewestApart) return { first: startDay + first!, ...closest };
      }
      first ??= index;
      previous = index;
    }
    weekday = (weekday + 1) % 7;
    if (++day > daysInMonth(year, month)) {
      day = 1;
      if (++month > 12) {
        month = 1;
        year++;
      }
    }
  }
  if (first === undefined || previous === undefined) return undefined;
  // The cycle repeats: its last day that runs is followed by its first, a cycle later.
  const wrap = first + CYCLE_DAYS - previous;
  if (closest === undefined || wrap < closest.apart) closest = { from: startDay + previous, apart: wrap };
  return { first: startDay + first, ...closest };
}

function daysInMonth(year: number, month: number): number {
  if (month !== 2) return [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1]!;
  return year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0) ? 29 : 28;
}

/**
 * The shortest gap among the runs within a day of a change of the zone's offset, and the runs either side of
 * them, by Vixie cron's rules: before the change, wall-clock times name instants at the old offset, after it at
 * the new one. A fixed-time job runs once at the jump for times in a gap and skips a repeated hour's second
 * pass; any other job runs at each real occurrence.
 */
function gapAcrossChange(
  expression: WallSchedule,
  schedule: Pick<ExportSchedule, 'cron' | 'timeZone'>,
  change: OffsetChange,
): ShortestGap | undefined {
  const start = change.at - DAY;
  const end = change.at + DAY;
  const runs: number[] = [];
  for (const wall of wallTimes(expression, start + change.before, change.at + change.before))
    runs.push(wall - change.before);
  const jumpsForward = change.after > change.before;
  if (
    jumpsForward &&
    expression.fixedTime &&
    wallTimes(expression, change.at + change.before, change.at + change.after).length > 0
  )
    runs.push(change.at);
  for (const wall of wallTimes(expression, change.at + change.after, end + change.after)) {
    const secondPass = !jumpsForward && wall < change.at + change.before;
    if (!(secondPass && expression.fixedTime)) runs.push(wall - change.after);
  }
  // A gap that spans the change and reaches past the day either side needs the run beyond that day too.
  const compiled = compileSchedule(schedule);
  if (!runs.some((run) => run < change.at)) {
    const previous = compiled.tickAt(new Date(start - 1));
    if (previous !== undefined) runs.push(previous.getTime());
  }
  if (!runs.some((run) => run >= change.at)) {
    const next = compiled.nextAfter(new Date(end));
    if (next !== undefined) runs.push(next.getTime());
  }
  const sorted = [...new Set(runs)].sort((a, b) => a - b);
  let best: ShortestGap | undefined;
  for (let i = 1; i < sorted.length; i++) {
    const ms = sorted[i]! - sorted[i - 1]!;
    if (best === undefined || ms < best.ms) best = { ms, from: sorted[i - 1]!, to: sorted[i]!, across: 'clock-change' };
  }
  return best;
}

/** What the walk near clock changes reads of an expression, worked out once per schedule. */
interface WallSchedule {
  fixedTime: boolean;
  runsOn: DayMatcher;
  times: readonly number[];
}

/** The wall-clock times the schedule runs at in [from, to), ascending. */
function wallTimes({ runsOn, times }: WallSchedule, from: number, to: number): number[] {
  const found: number[] = [];
  for (let day = Math.floor(from / DAY) * DAY; day < to; day += DAY) {
    const date = new Date(day);
    if (!runsOn(date.getUTCMonth() + 1, date.getUTCDate(), date.getUTCDay())) continue;
    for (const time of times) {
      const wall = day + time * MINUTE;
      if (wall >= from && wall < to) found.push(wall);
    }
  }
  return found;
}
