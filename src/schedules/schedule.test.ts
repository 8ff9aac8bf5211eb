import { describe, expect, it } from 'vitest';
import { durationMs, formatDuration } from './duration.js';
import { compileSchedule, formatTick } from './schedule.js';
import { uuidV5 } from './scheduled-key.js';

/** `2026-03-29 03:00 +02:00` as an instant. */
const at = (text: string) => new Date(text.replace(' ', 'T').replace(' ', ''));

/** The runs after `from`, as the wall-clock time and offset they show, as many as `expected` holds. */
function runsAfter(cron: string, timeZone: string, from: string, count: number): string[] {
  const schedule = compileSchedule({ cron, timeZone });
  const runs: string[] = [];
  let cursor = at(from);
  for (let i = 0; i < count; i++) {
    const next = schedule.nextAfter(cursor);
    if (next === undefined) break;
    runs.push(shown(next, timeZone));
    cursor = next;
  }
  return runs;
}

/** A tick as `2026-03-29 03:00 +02:00`, read by the runtime's time-zone data alone. */
function shown(tick: Date, timeZone: string): string {
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat('en-CA', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      timeZoneName: 'longOffset',
    })
      .formatToParts(tick)
      .map((part) => [part.type, part.value]),
  );
  const offset = parts.timeZoneName === 'GMT' ? '+00:00' : parts.timeZoneName!.slice(3);
  return `${parts.year}-${parts.month}-${parts.day} ${parts.hour}:${parts.minute} ${offset}`;
}

/**
 * Daylight-saving changes of 2026, and what Vixie cron (cronie's cron.c) runs across them, written out by hand.
 * A fixed-time job (minute and hour not led by *) whose time falls in a gap runs once, at the first minute after
 * the jump, and runs once in a repeated hour, on its first pass. Any other job runs at each real occurrence.
 *
 * - Europe/Berlin: 2026-03-29 02:00 CET -> 03:00 CEST; 2026-10-25 03:00 CEST -> 02:00 CET (02:00-02:59 twice).
 * - America/New_York: 2026-03-08 02:00 EST -> 03:00 EDT; 2026-11-01 02:00 EDT -> 01:00 EST (01:00-01:59 twice).
 * - Australia/Lord_Howe, a 30-minute change: 2026-04-05 02:00 +11:00 -> 01:30 +10:30 (01:30-01:59 twice);
 *   2026-10-04 02:00 +10:30 -> 02:30 +11:00.
 * - Pacific/Chatham: 2026-04-05 03:45 +13:45 -> 02:45 +12:45 (02:45-03:44 twice); 2026-09-27 02:45 +12:45 ->
 *   03:45 +13:45.
 */
const DST_CASES: { zone: string; cron: string; shape: string; from: string; runs: string[] }[] = [
  // Europe/Berlin, spring forward
  {
    zone: 'Europe/Berlin',
    cron: '30 2 * * *',
    shape: 'single',
    from: '2026-03-28 00:00 +01:00',
    runs: ['2026-03-28 02:30 +01:00', '2026-03-29 03:00 +02:00', '2026-03-30 02:30 +02:00'],
  },
  {
    zone: 'Europe/Berlin',
    cron: '15,45 2 * * *',
    shape: 'list',
    from: '2026-03-28 00:00 +01:00',
    runs: [
      '2026-03-28 02:15 +01:00',
      '2026-03-28 02:45 +01:00',
      '2026-03-29 03:00 +02:00',
      '2026-03-30 02:15 +02:00',
      '2026-03-30 02:45 +02:00',
    ],
  },
  {
    zone: 'Europe/Berlin',
    cron: '1,36 2 29 * *',
    shape: 'list, on one day a month',
    from: '2026-02-01 00:00 +01:00',
    runs: ['2026-03-29 03:00 +02:00', '2026-04-29 02:01 +02:00', '2026-04-29 02:36 +02:00'],
  },
  {
    zone: 'Europe/Berlin',
    cron: '0 1-3 * * *',
    shape: 'range',
    from: '2026-03-29 00:00 +01:00',
    runs: ['2026-03-29 01:00 +01:00', '2026-03-29 03:00 +02:00', '2026-03-30 01:00 +02:00'],
  },
  {
    zone: 'Europe/Berlin',
    cron: '0-59/20 2 * * *',
    shape: 'step without *',
    from: '2026-03-28 12:00 +01:00',
    runs: ['2026-03-29 03:00 +02:00', '2026-03-30 02:00 +02:00'],
  },
  {
    zone: 'Europe/Berlin',
    cron: '*/20 2 * * *',
    shape: '*-led step',
    from: '2026-03-28 12:00 +01:00',
    runs: ['2026-03-30 02:00 +02:00'],
  },
  {
    zone: 'Europe/Berlin',
    cron: '30 * * * *',
    shape: '*-led hour',
    from: '2026-03-29 00:45 +01:00',
    runs: ['2026-03-29 01:30 +01:00', '2026-03-29 03:30 +02:00'],
  },
  // Europe/Berlin, fall back
  {
    zone: 'Europe/Berlin',
    cron: '30 2 * * *',
    shape: 'single',
    from: '2026-10-24 12:00 +02:00',
    runs: ['2026-10-25 02:30 +02:00', '2026-10-26 02:30 +01:00'],
  },
  {
    zone: 'Europe/Berlin',
    cron: '30 1,2,15 * * 0',
    shape: 'list',
    from: '2026-10-24 12:00 +02:00',
    runs: ['2026-10-25 01:30 +02:00', '2026-10-25 02:30 +02:00', '2026-10-25 15:30 +01:00', '2026-11-01 01:30 +01:00'],
  },
  {
    zone: 'Europe/Berlin',
    cron: '0 1-3 * * *',
    shape: 'range',
    from: '2026-10-25 00:00 +02:00',
    runs: ['2026-10-25 01:00 +02:00', '2026-10-25 02:00 +02:00', '2026-10-25 03:00 +01:00', '2026-10-26 01:00 +01:00'],
  },
  {
    zone: 'Europe/Berlin',
    cron: '0-59/20 2 * * *',
    shape: 'step without *',
    from: '2026-10-24 12:00 +02:00',
    runs: ['2026-10-25 02:00 +02:00', '2026-10-25 02:20 +02:00', '2026-10-25 02:40 +02:00', '2026-10-26 02:00 +01:00'],
  },
  {
    zone: 'Europe/Berlin',
    cron: '*/20 2 * * *',
    shape: '*-led step',
    from: '2026-10-24 12:00 +02:00',
    runs: [
      '2026-10-25 02:00 +02:00',
      '2026-10-25 02:20 +02:00',
      '2026-10-25 02:40 +02:00',
      '2026-10-25 02:00 +01:00',
      '2026-10-25 02:20 +01:00',
      '2026-10-25 02:40 +01:00',
      '2026-10-26 02:00 +01:00',
    ],
  },
  {
    zone: 'Europe/Berlin',
    cron: '30 * * * *',
    shape: '*-led hour',
    from: '2026-10-25 01:00 +02:00',
    runs: ['2026-10-25 01:30 +02:00', '2026-10-25 02:30 +02:00', '2026-10-25 02:30 +01:00', '2026-10-25 03:30 +01:00'],
  },
  // America/New_York
  {
    zone: 'America/New_York',
    cron: '15,45 2 * * *',
    shape: 'list',
    from: '2026-03-07 00:00 -05:00',
    runs: ['2026-03-07 02:15 -05:00', '2026-03-07 02:45 -05:00', '2026-03-08 03:00 -04:00', '2026-03-09 02:15 -04:00'],
  },
  {
    zone: 'America/New_York',
    cron: '0 1-2 * * *',
    shape: 'range',
    from: '2026-03-08 00:00 -05:00',
    runs: ['2026-03-08 01:00 -05:00', '2026-03-08 03:00 -04:00', '2026-03-09 01:00 -04:00'],
  },
  {
    zone: 'America/New_York',
    cron: '0-30/30 2 * * *',
    shape: 'step without *',
    from: '2026-03-07 12:00 -05:00',
    runs: ['2026-03-08 03:00 -04:00', '2026-03-09 02:00 -04:00'],
  },
  {
    zone: 'America/New_York',
    cron: '*/30 2 * * *',
    shape: '*-led step',
    from: '2026-03-07 12:00 -05:00',
    runs: ['2026-03-09 02:00 -04:00'],
  },
  {
    zone: 'America/New_York',
    cron: '30 1 * * *',
    shape: 'single',
    from: '2026-10-31 12:00 -04:00',
    runs: ['2026-11-01 01:30 -04:00', '2026-11-02 01:30 -05:00'],
  },
  {
    zone: 'America/New_York',
    cron: '0 1-2 * * *',
    shape: 'range',
    from: '2026-11-01 00:00 -04:00',
    runs: ['2026-11-01 01:00 -04:00', '2026-11-01 02:00 -05:00', '2026-11-02 01:00 -05:00'],
  },
  {
    zone: 'America/New_York',
    cron: '*/15 1 * * *',
    shape: '*-led step',
    from: '2026-11-01 00:00 -04:00',
    runs: [
      '2026-11-01 01:00 -04:00',
      '2026-11-01 01:15 -04:00',
      '2026-11-01 01:30 -04:00',
      '2026-11-01 01:45 -04:00',
      '2026-11-01 01:00 -05:00',
      '2026-11-01 01:15 -05:00',
      '2026-11-01 01:30 -05:00',
      '2026-11-01 01:45 -05:00',
      '2026-11-02 01:00 -05:00',
    ],
  },
  // Australia/Lord_Howe: clocks move by 30 minutes
  {
    zone: 'Australia/Lord_Howe',
    cron: '45 1 * * *',
    shape: 'single',
    from: '2026-04-04 12:00 +11:00',
    runs: ['2026-04-05 01:45 +11:00', '2026-04-06 01:45 +10:30'],
  },
  {
    zone: 'Australia/Lord_Howe',
    cron: '30 1-2 * * *',
    shape: 'range',
    from: '2026-04-05 00:00 +11:00',
    runs: ['2026-04-05 01:30 +11:00', '2026-04-05 02:30 +10:30', '2026-04-06 01:30 +10:30'],
  },
  {
    zone: 'Australia/Lord_Howe',
    cron: '*/15 1 * * *',
    shape: '*-led step',
    from: '2026-04-05 00:00 +11:00',
    runs: [
      '2026-04-05 01:00 +11:00',
      '2026-04-05 01:15 +11:00',
      '2026-04-05 01:30 +11:00',
      '2026-04-05 01:45 +11:00',
      '2026-04-05 01:30 +10:30',
      '2026-04-05 01:45 +10:30',
      '2026-04-06 01:00 +10:30',
    ],
  },
  {
    zone: 'Australia/Lord_Howe',
    cron: '15 2 * * *',
    shape: 'single',
    from: '2026-10-03 00:00 +10:30',
    runs: ['2026-10-03 02:15 +10:30', '2026-10-04 02:30 +11:00', '2026-10-05 02:15 +11:00'],
  },
  {
    zone: 'Australia/Lord_Howe',
    cron: '0,20,40 2 * * *',
    shape: 'list',
    from: '2026-10-03 12:00 +10:30',
    runs: ['2026-10-04 02:30 +11:00', '2026-10-04 02:40 +11:00', '2026-10-05 02:00 +11:00'],
  },
  {
    zone: 'Australia/Lord_Howe',
    cron: '0-40/20 2 * * *',
    shape: 'step without *',
    from: '2026-10-03 12:00 +10:30',
    runs: ['2026-10-04 02:30 +11:00', '2026-10-04 02:40 +11:00', '2026-10-05 02:00 +11:00'],
  },
  {
    zone: 'Australia/Lord_Howe',
    cron: '*/20 2 * * *',
    shape: '*-led step',
    from: '2026-10-03 12:00 +10:30',
    runs: ['2026-10-04 02:40 +11:00', '2026-10-05 02:00 +11:00'],
  },
  // Pacific/Chatham: changes at 02:45 and 03:45
  {
    zone: 'Pacific/Chatham',
    cron: '0,30 3 * * *',
    shape: 'list',
    from: '2026-04-04 12:00 +13:45',
    runs: ['2026-04-05 03:00 +13:45', '2026-04-05 03:30 +13:45', '2026-04-06 03:00 +12:45'],
  },
  {
    zone: 'Pacific/Chatham',
    cron: '0-59/30 3 * * *',
    shape: 'step without *',
    from: '2026-04-04 12:00 +13:45',
    runs: ['2026-04-05 03:00 +13:45', '2026-04-05 03:30 +13:45', '2026-04-06 03:00 +12:45'],
  },
  {
    zone: 'Pacific/Chatham',
    cron: '*/30 3 * * *',
    shape: '*-led step',
    from: '2026-04-04 12:00 +13:45',
    runs: [
      '2026-04-05 03:00 +13:45',
      '2026-04-05 03:30 +13:45',
      '2026-04-05 03:00 +12:45',
      '2026-04-05 03:30 +12:45',
      '2026-04-06 03:00 +12:45',
    ],
  },
  {
    zone: 'Pacific/Chatham',
    cron: '0 3 * * *',
    shape: 'single',
    from: '2026-09-26 00:00 +12:45',
    runs: ['2026-09-26 03:00 +12:45', '2026-09-27 03:45 +13:45', '2026-09-28 03:00 +13:45'],
  },
  {
    zone: 'Pacific/Chatham',
    cron: '50 2-3 * * *',
    shape: 'range',
    from: '2026-09-26 12:00 +12:45',
    runs: ['2026-09-27 03:45 +13:45', '2026-09-27 03:50 +13:45', '2026-09-28 02:50 +13:45'],
  },
  {
    zone: 'Pacific/Chatham',
    cron: '*/30 3 * * *',
    shape: '*-led step',
    from: '2026-09-26 12:00 +12:45',
    runs: ['2026-09-28 03:00 +13:45'],
  },
];

describe('schedules', () => {
  it('take the tick at the exact scheduled second as current, and the one before a second earlier', () => {
    const daily = compileSchedule({ cron: '0 6 * * *', timeZone: 'UTC' });
    expect(daily.tickAt(new Date('2026-11-28T06:00:00.000Z'))?.toISOString()).toBe('2026-11-28T06:00:00.000Z');
    expect(daily.tickAt(new Date('2026-11-28T05:59:59.999Z'))?.toISOString()).toBe('2026-11-27T06:00:00.000Z');
    expect(daily.nextAfter(new Date('2026-11-28T06:00:00.000Z'))?.toISOString()).toBe('2026-11-29T06:00:00.000Z');
  });

  describe.each(DST_CASES)("follow Vixie cron across a change: $zone '$cron' ($shape) from $from", (testCase) => {
    it('runs at the times written out by hand', () => {
      expect(runsAfter(testCase.cron, testCase.zone, testCase.from, testCase.runs.length)).toEqual(testCase.runs);
    });

    it('takes each run as the current tick at its instant, and the run before it just before', () => {
      const schedule = compileSchedule({ cron: testCase.cron, timeZone: testCase.zone });
      testCase.runs.forEach((run, index) => {
        expect(shown(schedule.tickAt(at(run))!, testCase.zone)).toBe(run);
        const before = schedule.tickAt(new Date(at(run).getTime() - 1));
        if (index > 0) expect(shown(before!, testCase.zone)).toBe(testCase.runs[index - 1]);
        else expect(before === undefined || before <= at(testCase.from)).toBe(true);
      });
    });
  });

  it("run the day fields by Vixie's rule: ANDed when one starts with *, ORed otherwise", () => {
    const runs = (cron: string) => runsAfter(cron, 'UTC', '2026-01-01 00:00 +00:00', 4);
    // Mondays that fall on odd days.
    expect(runs('0 6 */2 * 1')).toEqual([
      '2026-01-05 06:00 +00:00',
      '2026-01-19 06:00 +00:00',
      '2026-02-09 06:00 +00:00',
      '2026-02-23 06:00 +00:00',
    ]);
    // The 1st and every Monday.
    expect(runs('0 6 1 * 1')).toEqual([
      '2026-01-01 06:00 +00:00',
      '2026-01-05 06:00 +00:00',
      '2026-01-12 06:00 +00:00',
      '2026-01-19 06:00 +00:00',
    ]);
    // Every day 1-31 or Monday: every day.
    expect(runs('0 6 1-31 * 1')).toEqual([
      '2026-01-01 06:00 +00:00',
      '2026-01-02 06:00 +00:00',
      '2026-01-03 06:00 +00:00',
      '2026-01-04 06:00 +00:00',
    ]);
  });

  it('show a tick with its offset, so the two passes of a repeated hour differ', () => {
    expect(formatTick(at('2026-10-25 02:30 +02:00'), 'Europe/Berlin')).toBe('2026-10-25 02:30 CEST (+02:00)');
    expect(formatTick(at('2026-10-25 02:30 +01:00'), 'Europe/Berlin')).toBe('2026-10-25 02:30 CET (+01:00)');
    expect(formatTick(at('2026-07-01 00:00 -04:00'), 'America/New_York')).toBe('2026-07-01 00:00 EDT (-04:00)');
    expect(formatTick(at('2026-04-05 01:45 +10:30'), 'Australia/Lord_Howe')).toBe('2026-04-05 01:45 LHST (+10:30)');
    expect(formatTick(at('2026-09-27 03:45 +13:45'), 'Pacific/Chatham')).toBe(
      '2026-09-27 03:45 Pacific/Chatham (+13:45)',
    );
    expect(formatTick(at('2026-11-28 05:05 +00:00'), 'UTC')).toBe('2026-11-28 05:05 UTC');
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
