// What the schema cannot say about `spec.schedule`: the cron expression parses, the time zone exists, and the
// schedule leaves at least the project's minimum interval between two runs.

import { closestMatch } from '../diagnostics/did-you-mean.js';
import { formatDuration } from '../schedules/duration.js';
import { cronProblem, intervalShorterThan, isTimeZone, knownTimeZones } from '../schedules/schedule.js';
import type { RuleConfig, RuleProblem } from './contract-rules.js';

const SCHEDULE = ['spec', 'schedule'];

export function checkScheduleRules(document: unknown, config: Pick<RuleConfig, 'limits'>): RuleProblem[] {
  const schedule = (document as { spec?: { schedule?: unknown } } | null)?.spec?.schedule;
  if (schedule === null || typeof schedule !== 'object') return [];
  const { cron, timeZone } = schedule as { cron?: unknown; timeZone?: unknown };
  const problems: RuleProblem[] = [];
  const cronIssue = typeof cron === 'string' ? cronProblem(cron) : undefined;
  if (typeof cron === 'string' && cronIssue !== undefined) {
    problems.push({
      path: [...SCHEDULE, 'cron'],
      target: 'value',
      rule: 'schedule-cron',
      message: `spec.schedule.cron ${JSON.stringify(cron)} is not a five-field cron expression: ${cronIssue} (minute hour day-of-month month day-of-week, e.g. "0 6 * * *")`,
    });
  }
  const zoneKnown = typeof timeZone !== 'string' || isTimeZone(timeZone);
  if (!zoneKnown) {
    const suggestion = closestMatch(timeZone, knownTimeZones());
    problems.push({
      path: [...SCHEDULE, 'timeZone'],
      target: 'value',
      rule: 'schedule-time-zone',
      message: `spec.schedule.timeZone ${JSON.stringify(timeZone)} is not an IANA time zone${suggestion === undefined ? ' (e.g. Europe/Berlin, America/New_York, UTC)' : ` (did you mean ${suggestion}?)`}`,
    });
  }
  // Every problem at once: with a misspelt zone, the interval is judged in UTC, so a too-frequent cron is not
  // reported only after the zone is fixed.
  if (typeof cron === 'string' && cronIssue === undefined) {
    const minimum = config.limits.minScheduleIntervalMs;
    const schedule = { cron, timeZone: typeof timeZone === 'string' && zoneKnown ? timeZone : 'UTC' };
    const interval = intervalShorterThan(schedule, minimum);
    if (interval !== undefined) {
      problems.push({
        path: [...SCHEDULE, 'cron'],
        target: 'value',
        rule: 'schedule-interval',
        message: `spec.schedule.cron ${JSON.stringify(cron)} runs as often as every ${formatDuration(interval)}; this project allows at most one run every ${formatDuration(minimum)} (limits.minScheduleInterval), since an export is not a polling loop`,
      });
    }
  }
  return problems;
}
