import { describe, expect, it } from 'vitest';
import { CRON_NICKNAMES, readCron } from './cron-expression.js';
import type { CronExpression } from './cron-expression.js';

const read = (text: string): CronExpression => {
  const reading = readCron(text);
  if ('problem' in reading) throw new Error(reading.problem);
  return reading.expression;
};
const problem = (text: string) => {
  const reading = readCron(text);
  return 'problem' in reading ? reading.problem : undefined;
};

describe('the cron dialect', () => {
  it('reads numbers, names, lists, ranges and steps, with 7 as Sunday', () => {
    const expression = read('0-30/15 */6 1,15 JAN-MAR mon-FRI');
    expect(expression.minutes).toEqual([0, 15, 30]);
    expect(expression.hours).toEqual([0, 6, 12, 18]);
    expect(expression.daysOfMonth).toEqual([1, 15]);
    expect(expression.months).toEqual([1, 2, 3]);
    expect(expression.daysOfWeek).toEqual([1, 2, 3, 4, 5]);
    expect(read('0 6 * * 7').daysOfWeek).toEqual([0]);
    expect(read('0 6 * * 5-7').daysOfWeek).toEqual([0, 5, 6]);
    expect(read('0 6 * * SAT,SUN').daysOfWeek).toEqual([0, 6]);
    expect(read('  0   6 * * *  ').hours).toEqual([6]);
  });

  it('reads every nickname as the five fields it stands for', () => {
    expect(Object.keys(CRON_NICKNAMES)).toEqual([
      '@yearly',
      '@annually',
      '@monthly',
      '@weekly',
      '@daily',
      '@midnight',
      '@hourly',
    ]);
    expect(read('@daily')).toEqual(read('0 0 * * *'));
    expect(read('@MIDNIGHT')).toEqual(read('0 0 * * *'));
    expect(read('@hourly')).toEqual(read('0 * * * *'));
    expect(read('@weekly')).toEqual(read('0 0 * * 0'));
    expect(read('@monthly')).toEqual(read('0 0 1 * *'));
    expect(read('@annually')).toEqual(read('0 0 1 1 *'));
  });

  it("says which jobs are fixed-time by Vixie's rule: minute and hour not led by *", () => {
    expect(read('30 2 * * *').fixedTime).toBe(true);
    expect(read('15,45 2 * * *').fixedTime).toBe(true);
    expect(read('0 1-3 * * *').fixedTime).toBe(true);
    expect(read('0-59/20 2 * * *').fixedTime).toBe(true);
    expect(read('*/20 2 * * *').fixedTime).toBe(false);
    expect(read('30 * * * *').fixedTime).toBe(false);
    expect(read('30 */2 * * *').fixedTime).toBe(false);
    expect(read('@hourly').fixedTime).toBe(false);
  });

  it('ANDs the day fields when either starts with *, ORs them otherwise, and says when both are set', () => {
    expect(read('0 6 */2 * 1')).toMatchObject({ dayRule: 'all', bothDaysSet: true });
    expect(read('0 6 1 * */2')).toMatchObject({ dayRule: 'all', bothDaysSet: true });
    expect(read('0 6 1 * MON')).toMatchObject({ dayRule: 'any', bothDaysSet: true });
    expect(read('0 6 1-31 * MON')).toMatchObject({ dayRule: 'any', bothDaysSet: true });
    expect(read('0 6 * * MON')).toMatchObject({ dayRule: 'all', bothDaysSet: false });
    expect(read('0 6 1 * *')).toMatchObject({ dayRule: 'all', bothDaysSet: false });
  });

  it('quotes the value written and the range allowed', () => {
    expect(problem('0 0 32 * *')).toBe('day-of-month "32": 32 is out of range; day-of-month takes 1-31');
    expect(problem('0 0 0 * *')).toBe('day-of-month "0": 0 is out of range; day-of-month takes 1-31');
    expect(problem('0 0 1 13 *')).toBe('month "13": 13 is out of range; month takes 1-12 or JAN-DEC');
    expect(problem('61 6 * * *')).toBe('minute "61": 61 is out of range; minute takes 0-59');
    expect(problem('0 24 * * *')).toBe('hour "24": 24 is out of range; hour takes 0-23');
    expect(problem('0 6 * * 8')).toBe(
      'day-of-week "8": 8 is out of range; day-of-week takes 0-7 (0 and 7 are Sunday) or SUN-SAT',
    );
    expect(problem('0 6 * * MONDAY')).toBe(
      'day-of-week "MONDAY": "MONDAY" is not a number or a name; day-of-week takes 0-7 (0 and 7 are Sunday) or SUN-SAT',
    );
    expect(problem('0 JAN * * *')).toBe('hour "JAN": "JAN" is not a number; hour takes 0-23');
    expect(problem('0 22-2 * * *')).toBe(
      'hour "22-2": the range 22-2 runs backwards; cron ranges go upwards, so write it as two (e.g. 22-23,0-2)',
    );
    expect(problem('5/15 * * * *')).toBe('minute "5/15": a step needs * or a range before it, as in 5-59/15 or */15');
    expect(problem('*/0 * * * *')).toBe('minute "*/0": the step "0" is not a whole number of 1 or more');
    expect(problem('*/90 * * * *')).toBe(
      'minute "*/90": a step of 90 is longer than 0-59, so it only ever means 0; list the values you mean instead (minute takes 0-59)',
    );
    expect(problem('0,,30 * * * *')).toBe(
      'minute "0,,30" has an empty item in its list; separate values with single commas',
    );
  });

  it('names the construct of another dialect and what to write instead', () => {
    const cases: [string, string][] = [
      ['0 0 L * *', '"L" (Quartz\'s and croner\'s "last") is not cron'],
      ['0 0 * * 5L', '"L" (Quartz\'s and croner\'s "last") is not cron'],
      ['0 0 15W * *', '"W" (Quartz\'s "nearest weekday") is not cron; write the weekdays in day-of-week instead'],
      ['0 0 ? * MON', '"?" (Quartz\'s "no specific value") is not cron; write * instead'],
      ['0 0 * * MON#1', '"#" (Quartz\'s and croner\'s "nth weekday") is not cron'],
      ['0 0 1 * +MON', '"+" (croner\'s marker that ANDs the day fields) is not cron'],
      ['0 0 6 * * *', 'it has 6 fields; cron has five fields: minute hour day-of-month month day-of-week'],
      [
        '0 0 6 * * * 2027',
        "it has 7 fields; cron has five fields: minute hour day-of-month month day-of-week, e.g. \"0 6 * * *\". A seconds or years field belongs to croner's and Quartz's syntax, not cron's",
      ],
      ['0 6 * *', 'it has 4 fields; cron has five fields'],
      ['', 'it has 0 fields; cron has five fields'],
      [
        '@reboot',
        "@reboot runs when a machine starts, which an export's schedule has no use for; write a time, e.g. @daily",
      ],
      [
        '@every 5m',
        '@every 5m is not a cron nickname; the nicknames are @yearly, @annually, @monthly, @weekly, @daily, @midnight, @hourly',
      ],
    ];
    for (const [text, expected] of cases) expect(problem(text), text).toContain(expected);
    // JUL and WED are names, not L and W.
    expect(problem('0 6 * JUL WED')).toBeUndefined();
  });
});
