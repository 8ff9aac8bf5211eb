// The schedule against an independent reference, for instants away from daylight-saving changes: expressions are
// generated together with the values each field means, and the reference walks the calendar day by day over
// those values, reading wall-clock time through the runtime's time-zone data. It shares no code with the
// schedule: not the reader, not croner, not zone-clock.ts.

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compileSchedule } from './schedule.js';

interface Field {
  text: string;
  values: Set<number>;
}

const MONTHS = ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'];
const DAYS = ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT'];

const range = (from: number, to: number, step = 1) => {
  const values: number[] = [];
  for (let value = from; value <= to; value += step) values.push(value);
  return values;
};

/** One field in any shape cron allows, with the values it means. Names are used where the field has them. */
function field(low: number, high: number, names?: readonly string[], offset = 0): fc.Arbitrary<Field> {
  const value = fc.integer({ min: low, max: high });
  const name = (v: number) =>
    names !== undefined && v - offset < names.length && v >= offset ? names[v - offset]! : String(v);
  const item: fc.Arbitrary<Field> = fc.oneof(
    value.map((v) => ({ text: String(v), values: new Set([v]) })),
    value.map((v) => ({ text: name(v), values: new Set([v]) })),
    fc.tuple(value, value).map(([a, b]) => {
      const [from, to] = a <= b ? [a, b] : [b, a];
      return { text: `${name(from)}-${name(to)}`, values: new Set(range(from, to)) };
    }),
    fc
      .tuple(value, value, fc.integer({ min: 1, max: high - low }))
      .filter(([a, b, step]) => step <= Math.abs(b - a))
      .map(([a, b, step]) => {
        const [from, to] = a <= b ? [a, b] : [b, a];
        return { text: `${from}-${to}/${step}`, values: new Set(range(from, to, step)) };
      }),
  );
  const list = fc.array(item, { minLength: 1, maxLength: 3 }).map((items) => ({
    text: items.map((i) => i.text).join(','),
    values: new Set(items.flatMap((i) => [...i.values])),
  }));
  return fc.oneof(
    { arbitrary: fc.constant({ text: '*', values: new Set(range(low, high)) }), weight: 3 },
    {
      arbitrary: fc
        .integer({ min: 1, max: high - low })
        .map((step) => ({ text: `*/${step}`, values: new Set(range(low, high, step)) })),
      weight: 1,
    },
    { arbitrary: list, weight: 3 },
  );
}

interface Expression {
  cron: string;
  minutes: Set<number>;
  hours: Set<number>;
  matchesDay: (month: number, day: number, weekday: number) => boolean;
}

const expression: fc.Arbitrary<Expression> = fc
  .tuple(field(0, 59), field(0, 23), field(1, 31), field(1, 12, MONTHS, 1), field(0, 7, DAYS))
  .map(([minute, hour, dayOfMonth, month, dayOfWeek]) => {
    const weekdays = new Set([...dayOfWeek.values].map((day) => day % 7));
    // Vixie cron: both day fields must match when either starts with *, either one otherwise.
    const all = dayOfMonth.text.startsWith('*') || dayOfWeek.text.startsWith('*');
    return {
      cron: [minute, hour, dayOfMonth, month, dayOfWeek].map((f) => f.text).join(' '),
      minutes: minute.values,
      hours: hour.values,
      matchesDay: (m: number, d: number, w: number) =>
        month.values.has(m) &&
        (all ? dayOfMonth.values.has(d) && weekdays.has(w) : dayOfMonth.values.has(d) || weekdays.has(w)),
    };
  });

const ZONES = [
  'UTC',
  'Europe/Berlin',
  'America/New_York',
  'Australia/Lord_Howe',
  'Asia/Kolkata',
  'America/Sao_Paulo',
  'Pacific/Chatham',
];

const MINUTE = 60_000;
const DAY = 86_400_000;
/** How far the reference looks: a Monday the 29th of February comes round within 28 years. */
const HORIZON_DAYS = 29 * 366;

const formats = new Map<string, Intl.DateTimeFormat>();
/** The wall-clock time at an instant, as the milliseconds of a UTC clock showing the same digits. */
function wallAt(instant: number, timeZone: string): number {
  let format = formats.get(timeZone);
  if (format === undefined) {
    format = new Intl.DateTimeFormat('en-GB', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    formats.set(timeZone, format);
  }
  const p = Object.fromEntries(format.formatToParts(instant).map((part) => [part.type, Number(part.value)]));
  return Date.UTC(p.year!, p.month! - 1, p.day, p.hour, p.minute, p.second) + (instant % 1000);
}

/** The offset holds a day either side: no daylight-saving change is near. */
function awayFromChanges(instant: number, timeZone: string): boolean {
  const offset = wallAt(instant, timeZone) - instant;
  return [-DAY, DAY].every((shift) => wallAt(instant + shift, timeZone) - (instant + shift) === offset);
}

/** The first run after `from` (or the last at or before it), walking wall-clock days. */
function referenceRun(
  e: Expression,
  timeZone: string,
  from: number,
  direction: 'next' | 'previous',
): number | undefined {
  const wallFrom = wallAt(from, timeZone);
  const offset = wallFrom - from;
  const times = [...e.hours].flatMap((h) => [...e.minutes].map((m) => h * 60 + m)).sort((a, b) => a - b);
  if (direction === 'previous') times.reverse();
  const firstDay = Math.floor(wallFrom / DAY) * DAY;
  for (let i = 0; i < HORIZON_DAYS; i++) {
    const day = direction === 'next' ? firstDay + i * DAY : firstDay - i * DAY;
    const date = new Date(day);
    if (!e.matchesDay(date.getUTCMonth() + 1, date.getUTCDate(), date.getUTCDay())) continue;
    for (const time of times) {
      const wall = day + time * MINUTE;
      if (direction === 'next' ? wall > wallFrom : wall <= wallFrom) {
        // The offset where the run is, which need not be the one at `from`.
        const guess = wall - offset;
        return wall - (wallAt(guess, timeZone) - guess);
      }
    }
  }
  return undefined;
}

describe('schedules against an independent reference, away from daylight-saving changes', () => {
  it('find the same next run and the same current tick', () => {
    const instant = fc.integer({ min: Date.UTC(2026, 0, 1), max: Date.UTC(2031, 0, 1) });
    fc.assert(
      fc.property(expression, fc.constantFrom(...ZONES), instant, (e, timeZone, from) => {
        const schedule = compileSchedule({ cron: e.cron, timeZone });
        for (const [expected, actual] of [
          [referenceRun(e, timeZone, from, 'next'), schedule.nextAfter(new Date(from))?.getTime()],
          [referenceRun(e, timeZone, from, 'previous'), schedule.tickAt(new Date(from))?.getTime()],
        ] as const) {
          if (expected === undefined || !awayFromChanges(expected, timeZone) || !awayFromChanges(from, timeZone))
            continue;
          expect(actual, `${e.cron} in ${timeZone} from ${new Date(from).toISOString()}`).toBe(expected);
        }
      }),
      { numRuns: 400 },
    );
  });
});
