// A recurring export's schedule: a cron expression of this project's dialect (cron-expression.ts) read in an IANA
// time zone. croner finds the matching wall-clock times; this file turns them into instants by Vixie cron's
// daylight-saving rules, which cron-expression.ts's `fixedTime` states.

import { Cron } from 'croner';
import { InternalError } from '../errors.js';
import { readCron } from './cron-expression.js';
import type { CronExpression } from './cron-expression.js';
import { formatOffset, instantsOf, offsetAt } from './zone-clock.js';

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
}

/** Wall-clock times up to this far from an instant's can name instants on its other side (a zone's shift). */
const SHIFT_MARGIN = 3 * 3_600_000;
/** An offset that holds this far either side of an instant holds for every tick found within that reach. */
const STEADY_REACH = 2 * 86_400_000;

const compiled = new Map<string, CompiledSchedule>();

/** The schedule ready for arithmetic. Throws on a bad expression: validation rejects those first. */
export function compileSchedule(schedule: Pick<ExportSchedule, 'cron' | 'timeZone'>): CompiledSchedule {
  const cacheKey = `${schedule.timeZone} ${schedule.cron}`;
  let result = compiled.get(cacheKey);
  if (result === undefined) {
    result = zonedSchedule(readCronOrThrow(schedule.cron), schedule.timeZone);
    compiled.set(cacheKey, result);
  }
  return result;
}

export function readCronOrThrow(cron: string): CronExpression {
  const reading = readCron(cron);
  if ('problem' in reading)
    throw new InternalError(`schedule ${JSON.stringify(cron)} is not valid: ${reading.problem}`);
  return reading.expression;
}

/** The wall-clock times an expression matches, as UTC-clock milliseconds (see zone-clock.ts). */
interface WallCalendar {
  /** The first match strictly after `wall`. */
  after(wall: number): number | undefined;
  /** The last match at or before `wall`. */
  atOrBefore(wall: number): number | undefined;
}

function wallCalendar(expression: CronExpression): WallCalendar {
  const list = (values: readonly number[]) => values.join(',');
  const pattern = [
    expression.minutes,
    expression.hours,
    expression.daysOfMonth,
    expression.months,
    expression.daysOfWeek,
  ].map(list);
  // Lists only, never `*`: croner's own reading of a star must not decide how the day fields combine.
  const cron = new Cron(pattern.join(' '), {
    utcOffset: 0,
    paused: true,
    mode: '5-part',
    domAndDow: expression.dayRule === 'all',
  });
  return {
    after: (wall) => cron.nextRun(new Date(wall))?.getTime(),
    atOrBefore(wall) {
      // croner's previous runs are strictly before the reference: a second later includes a match at `wall`.
      const [match] = cron.previousRuns(1, new Date(wall + 1000));
      if (match === undefined || match.getTime() <= wall) return match?.getTime();
      return cron.previousRuns(1, new Date(wall))[0]?.getTime();
    },
  };
}

function zonedSchedule(expression: CronExpression, timeZone: string): CompiledSchedule {
  const calendar = wallCalendar(expression);
  const date = (instant: number | undefined) => (instant === undefined ? undefined : new Date(instant));
  if (timeZone === 'UTC')
    return {
      tickAt: (now) => date(calendar.atOrBefore(now.getTime())),
      nextAfter: (now) => date(calendar.after(now.getTime())),
    };
  // Vixie cron: a fixed-time job runs once right after a gap's jump and once in a repeated hour; any other job
  // runs at each real occurrence of its times.
  const instantsAt = (wall: number): number[] => {
    const named = instantsOf(timeZone, wall);
    if (named.kind === 'once') return [named.at];
    if (named.kind === 'gap') return expression.fixedTime ? [named.jump] : [];
    return expression.fixedTime ? [named.first] : [named.first, named.second];
  };
  const steady = (instant: number, offset: number) =>
    offsetAt(timeZone, instant - STEADY_REACH) === offset && offsetAt(timeZone, instant + STEADY_REACH) === offset;
  return {
    nextAfter(now) {
      const instant = now.getTime();
      const offset = offsetAt(timeZone, instant);
      if (steady(instant, offset)) {
        const wall = calendar.after(instant + offset);
        if (wall === undefined) return undefined;
        if (wall - offset <= instant + STEADY_REACH) return new Date(wall - offset);
      }
      // Near a change, a wall-clock time before now's can still be ahead (the repeated hour's second pass).
      let best: number | undefined;
      for (
        let wall = calendar.after(instant + offset - SHIFT_MARGIN);
        wall !== undefined;
        wall = calendar.after(wall)
      ) {
        if (best !== undefined && wall - SHIFT_MARGIN > best + offsetAt(timeZone, best)) break;
        for (const at of instantsAt(wall)) if (at > instant && (best === undefined || at < best)) best = at;
      }
      return date(best);
    },
    tickAt(now) {
      const instant = now.getTime();
      const offset = offsetAt(timeZone, instant);
      if (steady(instant, offset)) {
        const wall = calendar.atOrBefore(instant + offset);
        if (wall === undefined) return undefined;
        if (wall - offset >= instant - STEADY_REACH) return new Date(wall - offset);
      }
      let best: number | undefined;
      for (
        let wall = calendar.atOrBefore(instant + offset + SHIFT_MARGIN);
        wall !== undefined;
        wall = calendar.atOrBefore(wall - 1)
      ) {
        if (best !== undefined && wall + SHIFT_MARGIN < best + offsetAt(timeZone, best)) break;
        for (const at of instantsAt(wall)) if (at <= instant && (best === undefined || at > best)) best = at;
      }
      return date(best);
    },
  };
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
 * A scheduled time as people read it in the schedule's zone, with its offset, so the two passes of a repeated
 * hour differ: `2026-10-25 02:30 CEST (+02:00)`, `2026-10-25 02:30 CET (+01:00)`, `2026-11-28 05:05 UTC`.
 */
export function formatTick(tick: Date, timeZone: string): string {
  const wall = new Date(tick.getTime() + offsetAt(timeZone, tick.getTime())).toISOString();
  const shown = `${wall.slice(0, 10)} ${wall.slice(11, 16)}`;
  if (timeZone === 'UTC') return `${shown} UTC`;
  return `${shown} ${zoneAbbreviation(tick, timeZone) ?? timeZone} (${formatOffset(offsetAt(timeZone, tick.getTime()))})`;
}

/** The locales whose names for zones people know: CET and CEST, EDT, LHDT, IST. */
const ABBREVIATING_LOCALES = ['en-US', 'en-GB', 'en-AU', 'en-IN'];

/** Each zone's formatters, one per locale of ABBREVIATING_LOCALES, made when asked: the first usually names it. */
const abbreviators = new Map<string, Intl.DateTimeFormat[]>();

/** The zone's short name at an instant (`CEST`), or undefined when no locale has one but `GMT+12:45`. */
function zoneAbbreviation(tick: Date, timeZone: string): string | undefined {
  let formats = abbreviators.get(timeZone);
  if (formats === undefined) {
    formats = [];
    abbreviators.set(timeZone, formats);
  }
  for (const [index, locale] of ABBREVIATING_LOCALES.entries()) {
    formats[index] ??= new Intl.DateTimeFormat(locale, { timeZone, timeZoneName: 'short' });
    const name = formats[index].formatToParts(tick).find((part) => part.type === 'timeZoneName')?.value;
    if (name !== undefined && !/^(?:GMT|UTC)[+-]/.test(name)) return name;
  }
  return undefined;
}
