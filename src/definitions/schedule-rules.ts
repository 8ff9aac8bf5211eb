// What the schema cannot say about `spec.schedule`: the cron expression is of this project's dialect and runs at
// all, the time zone exists, and the schedule leaves at least the project's minimum interval between two runs.

import { closestMatch } from '../diagnostics/did-you-mean.js';
import { formatDuration } from '../schedules/duration.js';
import { readCron } from '../schedules/cron-expression.js';
import type { CronExpression } from '../schedules/cron-expression.js';
import { formatTick, isTimeZone, knownTimeZones } from '../schedules/schedule.js';
import { gapShorterThan, neverRunsProblem } from '../schedules/schedule-interval.js';
import type { ShortestGap } from '../schedules/schedule-interval.js';
import type { RuleConfig, RuleProblem } from './contract-rules.js';

const SCHEDULE = ['spec', 'schedule'];
const CRON = [...SCHEDULE, 'cron'];

export function checkScheduleRules(document: unknown, config: Pick<RuleConfig, 'limits'>): RuleProblem[] {
  const schedule = (document as { spec?: { schedule?: unknown } } | null)?.spec?.schedule;
  if (schedule === null || typeof schedule !== 'object') return [];
  const { cron, timeZone } = schedule as { cron?: unknown; timeZone?: unknown };
  const problems: RuleProblem[] = [];
  const reading = typeof cron === 'string' ? readCron(cron) : undefined;
  const quoted = `spec.schedule.cron ${JSON.stringify(cron)}`;
  if (reading !== undefined && 'problem' in reading)
    problems.push({ path: CRON, target: 'value', rule: 'schedule-cron', message: `${quoted}: ${reading.problem}` });
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
  if (reading === undefined || 'problem' in reading) return problems;
  const { expression } = reading;
  const never = neverRunsProblem(expression);
  if (never !== undefined) {
    problems.push({ path: CRON, target: 'value', rule: 'schedule-never-runs', message: `${quoted}: ${never}` });
    return problems;
  }
  // Every problem at once: with a misspelt zone, the interval is judged in UTC, so a too-frequent cron is not
  // reported only after the zone is fixed.
  const zone = typeof timeZone === 'string' && zoneKnown ? timeZone : 'UTC';
  const minimum = config.limits.minScheduleIntervalMs;
  const gap = gapShorterThan({ cron: cron as string, timeZone: zone }, minimum);
  if (gap !== undefined) {
    problems.push({
      path: CRON,
      target: 'value',
      rule: 'schedule-interval',
      message: `${quoted} runs as often as every ${formatDuration(gap.ms)} (${describeGap(gap, zone)}); this project allows at most one run every ${formatDuration(minimum)} (limits.minScheduleInterval), since an export is not a polling loop`,
    });
  }
  if (expression.bothDaysSet)
    problems.push({
      path: CRON,
      target: 'value',
      rule: 'schedule-day-fields',
      severity: 'warning',
      message: `${quoted}: ${dayRuleText(expression)}`,
    });
  return problems;
}

function describeGap(gap: ShortestGap, timeZone: string): string {
  if (gap.across === 'calendar') {
    const wall = (at: number) => new Date(at).toISOString().slice(0, 16).replace('T', ' ');
    return `${wall(gap.from)}, then ${wall(gap.to)}`;
  }
  const tick = (at: number) => formatTick(new Date(at), timeZone);
  return `${tick(gap.from)}, then ${tick(gap.to)}, as the clocks change`;
}

/** Which of cron's two day rules applies, said with the fields as written. */
function dayRuleText(expression: CronExpression): string {
  const { dayOfMonth, dayOfWeek } = expression.dayFields;
  const both = `day-of-month ${JSON.stringify(dayOfMonth)} and day-of-week ${JSON.stringify(dayOfWeek)} are both set`;
  if (expression.dayRule === 'all') {
    const starred = dayOfMonth.startsWith('*') ? 'day-of-month' : 'day-of-week';
    return `${both}; since ${starred} starts with *, it runs only on days that match both (cron ANDs the day fields when either starts with *)`;
  }
  return `${both}; it runs on every day that matches either one (cron ORs the day fields when neither starts with *)`;
}
