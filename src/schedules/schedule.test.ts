import { describe, expect, it } from 'vitest';
import { durationMs, formatDuration } from './duration.js';
import fc from 'fast-check';
import { compileSchedule, cronProblem, formatTick, intervalShorterThan, shortestInterval } from './schedule.js';
import { uuidV5 } from './scheduled-key.js';

describe('schedules', () => {
  it('take the tick at the exact scheduled second as current, and the one before a second earlier', () => {
    const daily = compileSchedule({ cron: '0 6 * * *', timeZone: 'UTC' });
    expect(daily.tickAt(new Date('2026-11-28T06:00:00.000Z'))?.toISOString()).toBe('2026-11-28T06:00:00.000Z');
    expect(daily.tickAt(new Date('2026-11-28T05:59:59.999Z'))?.toISOString()).toBe('2026-11-27T06:00:00.000Z');
    expect(daily.nextAfter(new Date('2026-11-28T06:00:00.000Z'))?.toISOString()).toBe('2026-11-29T06:00:00.000Z');
  });

  it('say what is wrong with a cron expression', () => {
    expect(cronProblem('0 6 * * *')).toBeUndefined();
    expect(cronProblem('0 6 * *')).toBe('it has 4 fields');
    expect(cronProblem('0 0 6 * * *')).toBe('it has 6 fields');
    expect(cronProblem('61 6 * * *')).toBe('invalid value for minute: 61');
  });

  it('find the shortest gap between runs, also where a day has two close ones', () => {
    expect(shortestInterval({ cron: '*/5 * * * *', timeZone: 'UTC' })).toBe(300_000);
    expect(shortestInterval({ cron: '0,10 6 * * *', timeZone: 'UTC' })).toBe(600_000);
    expect(shortestInterval({ cron: '0 6 * * *', timeZone: 'Europe/Berlin' })).toBe(86_400_000);
    expect(shortestInterval({ cron: '0 0 29 2 *', timeZone: 'UTC' })).toBe(4 * 365 * 86_400_000 + 86_400_000);
  });

  it('tell a gap shorter than the minimum from the times of day as walking the calendar does', () => {
    const field = (choices: string[]) => fc.constantFrom(...choices);
    const cron = fc
      .tuple(
        field(['0', '5', '0,30', '*/20', '10-12', '0,45', '58', '0-50/25', '?']),
        field(['*', '0', '23', '0,23', '6-8', '*/6', '12', '22-23']),
        field(['* * *', '1 * *', '* * 1-5', '29 2 *', '* * 0', '31 * *']),
      )
      .map((fields) => fields.join(' '));
    const minimum = fc.constantFrom(60_000, 300_000, 900_000, 3_600_000, 21_600_000, 86_400_000, 172_800_000);
    fc.assert(
      fc.property(cron, minimum, (expression, minimumMs) => {
        const schedule = { cron: expression, timeZone: 'UTC' };
        const walked = shortestInterval(schedule);
        expect(intervalShorterThan(schedule, minimumMs)).toBe(
          walked !== undefined && walked < minimumMs ? walked : undefined,
        );
      }),
      { numRuns: 300 },
    );
    // An expression that never fires has no gap, whatever its times of day.
    expect(intervalShorterThan({ cron: '0,5 6 30 2 *', timeZone: 'UTC' }, 900_000)).toBeUndefined();
  });

  it('show a tick in its own time zone', () => {
    expect(formatTick(new Date('2026-11-28T05:00:00Z'), 'Europe/Berlin')).toBe('2026-11-28 06:00 Europe/Berlin');
    expect(formatTick(new Date('2026-07-01T04:00:00Z'), 'America/New_York')).toBe('2026-07-01 00:00 America/New_York');
  });

  it('read and write durations with a unit', () => {
    expect(durationMs('2h')).toBe(7_200_000);
    expect(durationMs('90')).toBeUndefined();
    expect(formatDuration(5_400_000)).toBe('90m');
    expect(formatDuration(86_400_000)).toBe('1d');
  });

  it('make RFC 9562 name-based keys (the RFC example: www.example.com in the DNS namespace)', () => {
    expect(uuidV5('www.example.com', '6ba7b810-9dad-11d1-80b4-00c04fd430c8')).toBe(
      '2ed6657d-e927-568b-95e1-2665a8aea6a2',
    );
  });
});
