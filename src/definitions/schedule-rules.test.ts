import { describe, expect, it } from 'vitest';
import { testConfig } from '../../test/support/fixtures.js';
import { checkScheduleRules } from './schedule-rules.js';

const config = testConfig();
const withSchedule = (schedule: Record<string, unknown>) => ({ spec: { schedule } });

describe('checkScheduleRules', () => {
  it('reports every problem of a schedule at once: a misspelt zone does not hide a too-frequent cron', () => {
    // Issue 23, point 11: the every-minute cron was reported only after the zone was fixed.
    const problems = checkScheduleRules(withSchedule({ cron: '* * * * *', timeZone: 'Europe/Berln' }), config);
    expect(problems.map((p) => p.rule)).toEqual(['schedule-time-zone', 'schedule-interval']);
    expect(problems[1]!.message).toContain('runs as often as every 1m');
    expect(checkScheduleRules(withSchedule({ cron: '0 6 * * *', timeZone: 'Europe/Berlin' }), config)).toEqual([]);
  });
});
