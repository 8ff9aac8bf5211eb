import { describe, expect, it } from 'vitest';
import { testConfig } from '../../test/support/fixtures.js';
import { checkScheduleRules } from './schedule-rules.js';

const config = testConfig();
const withSchedule = (schedule: Record<string, unknown>) => ({ spec: { schedule } });
const check = (cron: string, timeZone = 'UTC') => checkScheduleRules(withSchedule({ cron, timeZone }), config);

describe('checkScheduleRules', () => {
  it('reports every problem of a schedule at once: a misspelt zone does not hide a too-frequent cron', () => {
    const problems = checkScheduleRules(withSchedule({ cron: '* * * * *', timeZone: 'Europe/Berln' }), config);
    expect(problems.map((p) => p.rule)).toEqual(['schedule-time-zone', 'schedule-interval']);
    expect(problems[1]!.message).toContain('runs as often as every 1m');
    expect(check('0 6 * * *', 'Europe/Berlin')).toEqual([]);
    expect(check('@daily', 'Europe/Berlin')).toEqual([]);
  });

  it('refuses what is not cron, quoting the field', () => {
    const [problem] = check('0 0 L * *');
    expect(problem).toMatchObject({ rule: 'schedule-cron', path: ['spec', 'schedule', 'cron'] });
    expect(problem!.message).toBe(
      'spec.schedule.cron "0 0 L * *": day-of-month "L": "L" (Quartz\'s and croner\'s "last") is not cron; cron has no last day; schedule the first day of the next period instead (e.g. "0 6 1 * *")',
    );
  });

  it('refuses a schedule that never runs, even one that would pass the minimum interval', () => {
    for (const cron of ['0 0 30 2 *', '0 0 31 4 *', '0 0 30,31 2 *', '* * 31 2 *']) {
      const problems = check(cron);
      expect(
        problems.map((p) => p.rule),
        cron,
      ).toEqual(['schedule-never-runs']);
    }
    expect(check('0 0 31 4 *')[0]!.message).toBe(
      'spec.schedule.cron "0 0 31 4 *": it never runs: no month it names has a day-of-month "31" (the longest has 30 days)',
    );
  });

  it('says where the shortest gap is: on the calendar, or where the clocks change', () => {
    expect(check('0,59 0,2,4,6,8,10,12,14,16,18,20,23 1,29 2,3 *')[0]!.message).toContain(
      'runs as often as every 1m (2028-02-29 23:59, then 2028-03-01 00:00)',
    );
    expect(check('*/59 1 * * *', 'America/New_York')[0]!.message).toContain(
      'runs as often as every 1m (2026-11-01 01:59 EDT (-04:00), then 2026-11-01 01:00 EST (-05:00), as the clocks change)',
    );
  });

  it('warns when both day fields are set, saying which rule applies', () => {
    const [and] = check('0 6 */2 * 1');
    expect(and).toMatchObject({ rule: 'schedule-day-fields', severity: 'warning' });
    expect(and!.message).toBe(
      'spec.schedule.cron "0 6 */2 * 1": day-of-month "*/2" and day-of-week "1" are both set; since day-of-month starts with *, it runs only on days that match both (cron ANDs the day fields when either starts with *)',
    );
    const [or] = check('0 6 1 * MON');
    expect(or!.message).toContain('it runs on every day that matches either one (cron ORs the day fields');
    expect(check('0 6 * * MON')).toEqual([]);
  });
});
