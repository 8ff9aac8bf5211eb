// A recurring export's schedule: a five-field cron expression read in an IANA time zone, with croner doing the
// calendar arithmetic. Its daylight-saving rules are Vixie cron's: a time in the spring-forward gap runs at the
// first time after the gap; a fixed time in the repeated autumn hour runs once, at its first occurrence.

import { Cron } from 'croner';
import { gapsOfDay, timesOfDay } from './times-of-day.js';

/** A schedule as a definition writes it (`spec.schedule`). */
export interface ExportSchedule {
  cron: string;
  /** IANA name; UTC when the definition gives none. */
  timeZone: string;
  /** A tick older than this is skipped rather than run late; none: any missed tick still runs. */
  startingDeadline?: string;
}

/** Why a due tick is not run although no submission covered it (suspended aside): audited once per tick. */
export type HeldTickReason = 'previous-still-running' | 'deadline-passed';

export interface CompiledSchedule {
  /** The latest scheduled time at or before `now`, or undefined when there is none. */
  tickAt(now: Date): Date | undefined;
  /** The first scheduled time after `now`. */
  nextAfter(now: Date): Date | undefined;
  /** The next `count` scheduled times after `now`. */
  nextRuns(count: number, now: Date): Date[];
}

const compiled = new Map<string, CompiledSchedule>();

/** The schedule ready for arithmetic. Throws on a bad expression: validation rejects those first. */
export function compileSchedule(schedule: Pick<ExportSchedule, 'cron' | 'timeZone'>): CompiledSchedule {
  const cacheKey = `${schedule.timeZone} ${schedule.cron}`;
  const cached = compiled.get(cacheKey);
  if (cached !== undefined) return cached;
  // UTC needs no zone rules: croner's offset arithmetic is some twenty times cheaper than its time-zone lookups.
  const zone = schedule.timeZone === 'UTC' ? { utcOffset: 0 } : { timezone: schedule.timeZone };
  const cron = new Cron(schedule.cron, { ...zone, paused: true, mode: '5-part' });
  const result: CompiledSchedule = {
    tickAt(now) {
      // croner's previous runs are strictly before the reference: a second later includes a tick at `now`.
      const [tick] = cron.previousRuns(1, new Date(now.getTime() + 1000));
      if (tick === undefined || tick.getTime() <= now.getTime()) return tick;
      return cron.previousRuns(1, now)[0];
    },
    nextAfter: (now) => cron.nextRun(now) ?? undefined,
    nextRuns: (count, now) => cron.nextRuns(count, now),
  };
  compiled.set(cacheKey, result);
  return result;
}

/** Why the expression is not a five-field cron expression, or undefined when it is one. */
export function cronProblem(expression: string): string | undefined {
  const fields = expression.trim().split(/\s+/).length;
  if (fields !== 5) return `it has ${fields} field${fields === 1 ? '' : 's'}`;
  try {
    new Cron(expression, { paused: true, mode: '5-part' });
    return undefined;
  } catch (error) {
    const reason = error instanceof Error ? error.message.replace(/^CronPattern: /, '') : String(error);
    return `${reason.charAt(0).toLowerCase()}${reason.slice(1).replace(/\.$/, '')}`;
  }
}

/** True when the runtime knows the IANA time zone (aliases such as US/Eastern included). */
export function isTimeZone(name: string): boolean {
  // The canonical list is cheap; a formatter in a zone costs the first one some 20 ms, so only aliases pay it.
  if (knownTimeZones().includes(name)) return true;
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: name });
    return true;
  } catch {
    return false;
  }
}

let canonicalZones: readonly string[] | undefined;

/** Every canonical IANA name the runtime knows, for "did you mean". */
export function knownTimeZones(): readonly string[] {
  canonicalZones ??= ['UTC', ...Intl.supportedValuesOf('timeZone')];
  return canonicalZones;
}

/**
 * How many scheduled times are looked at for the shortest gap. A pattern's gaps repeat with its coarsest field: a
 * hundred runs hold a day of a quarter-hourly schedule, three months of a daily one, eight years of a monthly one.
 */
const INTERVAL_SAMPLE = 100;

/**
 * The shortest gap between runs when it is shorter than `minimumMs`, else undefined. The times of day settle it
 * for nearly every expression without walking the calendar, which costs croner some ten milliseconds a schedule.
 */
export function intervalShorterThan(
  schedule: Pick<ExportSchedule, 'cron' | 'timeZone'>,
  minimumMs: number,
): number | undefined {
  const times = timesOfDay(schedule.cron);
  if (times !== undefined) {
    const { sameDay, acrossMidnight } = gapsOfDay(times);
    // Any gap is at least the shorter of the two; the same-day one is exact whenever the expression fires at all.
    if (Math.min(sameDay, acrossMidnight) * MINUTE >= minimumMs) return undefined;
    if (sameDay <= acrossMidnight && compileSchedule(schedule).nextAfter(new Date(0)) !== undefined)
      return sameDay * MINUTE;
  }
  const shortest = shortestInterval(schedule);
  return shortest !== undefined && shortest < minimumMs ? shortest : undefined;
}

const MINUTE = 60_000;

/** The shortest gap between consecutive scheduled times, over the next hundred from a fixed instant. */
export function shortestInterval(schedule: Pick<ExportSchedule, 'cron' | 'timeZone'>): number | undefined {
  if (!intervals.has(schedule.cron)) intervals.set(schedule.cron, measureShortestInterval(schedule));
  return intervals.get(schedule.cron);
}

/** Definitions share a few schedules: each is measured once per process. */
const intervals = new Map<string, number | undefined>();

/**
 * Measured on the calendar without daylight-saving shifts (UTC): the gaps of a pattern are the same in every zone
 * but on the two shift days, and time-zone arithmetic costs croner some twenty times more.
 */
function measureShortestInterval(schedule: Pick<ExportSchedule, 'cron'>): number | undefined {
  const cron = new Cron(schedule.cron, { utcOffset: 0, paused: true, mode: '5-part' });
  const runs = cron.nextRuns(INTERVAL_SAMPLE, new Date(Date.UTC(2026, 0, 1)));
  let shortest: number | undefined;
  for (let i = 1; i < runs.length; i++) {
    const gap = runs[i]!.getTime() - runs[i - 1]!.getTime();
    if (shortest === undefined || gap < shortest) shortest = gap;
  }
  return shortest;
}

/** A scheduled time as people read it in the schedule's own zone: `2026-11-28 06:00 Europe/Berlin`. */
export function formatTick(tick: Date, timeZone: string): string {
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat('en-CA', {
      timeZone,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23',
    })
      .formatToParts(tick)
      .map((part) => [part.type, part.value]),
  );
  return `${parts.year}-${parts.month}-${parts.day} ${parts.hour}:${parts.minute} ${timeZone}`;
}
