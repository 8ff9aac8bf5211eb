import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { readCron } from './cron-expression.js';
import { compileSchedule } from './schedule.js';
import { gapShorterThan, neverRunsProblem, shortestGap } from './schedule-interval.js';

const MINUTE = 60_000;
const DAY = 86_400_000;

const never = (cron: string) => {
  const reading = readCron(cron);
  if ('problem' in reading) throw new Error(reading.problem);
  return neverRunsProblem(reading.expression);
};

describe('the shortest gap of a schedule', () => {
  it('finds schedules that never run', () => {
    for (const cron of ['0 0 30 2 *', '0 0 31 4 *', '0 0 30,31 2 *', '* * 31 2 *', '0 0 31 4,6,9,11 *'])
      expect(never(cron), cron).toMatch(/^it never runs: no month it names has a day-of-month/);
    expect(shortestGap({ cron: '* * 31 2 *', timeZone: 'UTC' })).toBeUndefined();
    // February 29th comes round; so does the 31st of a month that has one, and any day under OR.
    for (const cron of ['0 0 29 2 *', '0 0 31 4,5 *', '0 0 30 2 MON']) expect(never(cron), cron).toBeUndefined();
  });

  it('is computed over the whole calendar: leap days included', () => {
    const gap = shortestGap({ cron: '0,59 0,2,4,6,8,10,12,14,16,18,20,23 1,29 2,3 *', timeZone: 'UTC' });
    expect(gap).toEqual({
      ms: MINUTE,
      from: Date.UTC(2028, 1, 29, 23, 59),
      to: Date.UTC(2028, 2, 1, 0, 0),
      across: 'calendar',
    });
    expect(shortestGap({ cron: '0 0 29 2 *', timeZone: 'UTC' })?.ms).toBe(1461 * DAY);
    expect(shortestGap({ cron: '*/5 * * * *', timeZone: 'UTC' })?.ms).toBe(5 * MINUTE);
    expect(shortestGap({ cron: '0,10 6 * * *', timeZone: 'UTC' })?.ms).toBe(10 * MINUTE);
    // The last day of one month and the first of the next.
    expect(shortestGap({ cron: '0 12 1,31 * *', timeZone: 'UTC' })?.ms).toBe(DAY);
  });

  it('counts the runs a clock change brings together, in the schedule’s zone', () => {
    // Both passes of New York's repeated hour: 01:59 EDT, then 01:00 EST a minute later.
    expect(shortestGap({ cron: '*/59 1 * * *', timeZone: 'America/New_York' })).toMatchObject({
      ms: MINUTE,
      from: Date.parse('2026-11-01T01:59-04:00'),
      to: Date.parse('2026-11-01T01:00-05:00'),
      across: 'clock-change',
    });
    // Chatham's 02:50 runs at the jump to 03:45, five minutes before 03:50.
    expect(shortestGap({ cron: '50 2,3 * * *', timeZone: 'Pacific/Chatham' })?.ms).toBe(5 * MINUTE);
    // 01:00 and 03:00 are an hour apart on the day New York skips 02:00.
    expect(shortestGap({ cron: '0 1,3 * * *', timeZone: 'America/New_York' })?.ms).toBe(60 * MINUTE);
    // A daily run is 23 hours after the one before on the spring day.
    expect(shortestGap({ cron: '0 6 * * *', timeZone: 'Europe/Berlin' })?.ms).toBe(23 * 60 * MINUTE);
    // Kolkata has no changes: its gaps are the calendar's.
    expect(shortestGap({ cron: '0 6 * * *', timeZone: 'Asia/Kolkata' })?.ms).toBe(DAY);
  });

  it('names two consecutive runs that leave exactly the gap, and no sample of runs finds a shorter one', () => {
    const field = (choices: string[]) => fc.constantFrom(...choices);
    const cron = fc
      .tuple(
        field(['0', '5', '0,30', '*/20', '10-12', '0,45', '58', '0-50/25', '*/59']),
        field(['*', '0', '23', '0,23', '1-2', '*/6', '12', '22-23', '2,3']),
        field(['* * *', '1 * *', '* * 1-5', '29 2 *', '* * 0', '31 * *', '1,29 2,3 *', '*/2 * 1']),
      )
      .map((fields) => fields.join(' '));
    const zone = fc.constantFrom('UTC', 'Europe/Berlin', 'America/New_York', 'Australia/Lord_Howe', 'Pacific/Chatham');
    fc.assert(
      fc.property(cron, zone, (expression, timeZone) => {
        const schedule = { cron: expression, timeZone };
        const gap = shortestGap(schedule)!;
        const compiled = compileSchedule(schedule);
        if (gap.across === 'clock-change' || timeZone === 'UTC') {
          // The two instants are runs, one right after the other.
          expect(compiled.tickAt(new Date(gap.from))?.getTime()).toBe(gap.from);
          expect(compiled.nextAfter(new Date(gap.from))?.getTime()).toBe(gap.to);
          expect(gap.to - gap.from).toBe(gap.ms);
        }
        // The shortcut for fixed-time jobs agrees with the whole computation, whatever the minimum.
        for (const minimum of [MINUTE, 15 * MINUTE, 60 * MINUTE, 6 * 60 * MINUTE, DAY, 30 * DAY])
          expect(gapShorterThan(schedule, minimum)).toEqual(gap.ms < minimum ? gap : undefined);
        let cursor = new Date(Date.UTC(2026, 0, 1));
        for (let i = 0; i < 100; i++) {
          const next = compiled.nextAfter(cursor);
          if (next === undefined) break;
          if (i > 0) expect(next.getTime() - cursor.getTime()).toBeGreaterThanOrEqual(gap.ms);
          cursor = next;
        }
      }),
      { numRuns: 60 },
    );
  });
});
