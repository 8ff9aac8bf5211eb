// The cron dialect a schedule is written in: Vixie cron's five fields and its nicknames, nothing else. Reading it
// here, rather than leaving it to croner, keeps the dialect one that GitHub's `schedule:` and a crontab read the
// same way, and lets every refusal quote what was written and say what to write instead.

/** The values each field allows, in the order they are written. */
const FIELDS = [
  { name: 'minute', low: 0, high: 59 },
  { name: 'hour', low: 0, high: 23 },
  { name: 'day-of-month', low: 1, high: 31 },
  {
    name: 'month',
    low: 1,
    high: 12,
    names: ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'],
  },
  // 7 is Sunday too, as in Vixie cron; names count from SUN = 0.
  { name: 'day-of-week', low: 0, high: 7, names: ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT'] },
] as const;

type FieldSpec = (typeof FIELDS)[number];

/** Vixie cron's nicknames, as the five fields they stand for. `@reboot` has no time, so it is not one. */
export const CRON_NICKNAMES: Readonly<Record<string, string>> = {
  '@yearly': '0 0 1 1 *',
  '@annually': '0 0 1 1 *',
  '@monthly': '0 0 1 * *',
  '@weekly': '0 0 * * 0',
  '@daily': '0 0 * * *',
  '@midnight': '0 0 * * *',
  '@hourly': '0 * * * *',
};

/** A cron expression, read. Each list is ascending; day-of-week counts Sunday as 0 only. */
export interface CronExpression {
  minutes: readonly number[];
  hours: readonly number[];
  daysOfMonth: readonly number[];
  months: readonly number[];
  daysOfWeek: readonly number[];
  /**
   * Vixie cron's "fixed-time" job: neither the minute nor the hour field starts with `*`. In a daylight-saving
   * gap it runs once right after the jump; in a repeated hour it runs once, at the first pass. Any other job runs
   * at every real occurrence of its times, and not at all in a gap.
   */
  fixedTime: boolean;
  /**
   * How day-of-month and day-of-week combine: `all` (a day matches both) when either field starts with `*`,
   * `any` (a day matches either) otherwise: Vixie cron's rule. `0 6 1 * MON` runs on the 1st and on Mondays.
   */
  dayRule: 'all' | 'any';
  /** Both day fields restrict the days (neither is a bare `*`), which is where the rule above surprises. */
  bothDaysSet: boolean;
  /** The two day fields as written, for messages. */
  dayFields: { dayOfMonth: string; dayOfWeek: string };
}

export type CronReading = { expression: CronExpression } | { problem: string };

/** The expression read, or why it is not one of this dialect (a sentence that says what to write instead). */
export function readCron(text: string): CronReading {
  const trimmed = text.trim();
  if (trimmed.startsWith('@')) return readNickname(trimmed);
  const fields = trimmed === '' ? [] : trimmed.split(/\s+/);
  if (fields.length !== 5) return { problem: fieldCountProblem(fields.length) };
  const values: number[][] = [];
  for (const [index, spec] of FIELDS.entries()) {
    const read = readField(fields[index]!, spec);
    if ('problem' in read) return read;
    values.push(read.values);
  }
  const [minute, hour, dayOfMonth, , dayOfWeek] = fields as [string, string, string, string, string];
  // Sunday is 0 and 7: one value, so a day-of-week list compares as a set.
  const daysOfWeek = [...new Set(values[4]!.map((day) => day % 7))].sort((a, b) => a - b);
  return {
    expression: {
      minutes: values[0]!,
      hours: values[1]!,
      daysOfMonth: values[2]!,
      months: values[3]!,
      daysOfWeek,
      fixedTime: !minute.startsWith('*') && !hour.startsWith('*'),
      dayRule: dayOfMonth.startsWith('*') || dayOfWeek.startsWith('*') ? 'all' : 'any',
      bothDaysSet: dayOfMonth !== '*' && dayOfWeek !== '*',
      dayFields: { dayOfMonth, dayOfWeek },
    },
  };
}

function readNickname(text: string): CronReading {
  const nickname = text.toLowerCase();
  const fields = CRON_NICKNAMES[nickname];
  if (fields !== undefined) return readCron(fields);
  const known = Object.keys(CRON_NICKNAMES).join(', ');
  if (nickname === '@reboot')
    return {
      problem: `@reboot runs when a machine starts, which an export's schedule has no use for; write a time, e.g. @daily or "0 6 * * *"`,
    };
  return { problem: `${text} is not a cron nickname; the nicknames are ${known}` };
}

function fieldCountProblem(count: number): string {
  const shape = 'cron has five fields: minute hour day-of-month month day-of-week, e.g. "0 6 * * *"';
  if (count === 6 || count === 7)
    return `it has ${count} fields; ${shape}. A seconds or years field belongs to croner's and Quartz's syntax, not cron's`;
  return `it has ${count} field${count === 1 ? '' : 's'}; ${shape}, or a nickname such as @daily`;
}

/** Constructs of other dialects (matched on one list item), what they mean there, and what cron offers instead. */
const FOREIGN: readonly { pattern: RegExp; what: string; instead: string }[] = [
  { pattern: /\?/, what: '"?" (Quartz\'s "no specific value")', instead: 'write * instead' },
  {
    pattern: /^(?:\d*L|L-\d+|LW?)$/i,
    what: '"L" (Quartz\'s and croner\'s "last")',
    instead: 'cron has no last day; schedule the first day of the next period instead (e.g. "0 6 1 * *")',
  },
  {
    pattern: /^\d+W$/i,
    what: '"W" (Quartz\'s "nearest weekday")',
    instead: 'write the weekdays in day-of-week instead (e.g. MON-FRI)',
  },
  {
    pattern: /#/,
    what: '"#" (Quartz\'s and croner\'s "nth weekday")',
    instead: 'cron cannot say "the first Monday"; write a day of the week (e.g. MON) or days of the month (e.g. 1-7)',
  },
  {
    pattern: /\+/,
    what: '"+" (croner\'s marker that ANDs the day fields)',
    instead: 'in cron the day fields are ANDed when either starts with *, and ORed otherwise',
  },
];

function readField(text: string, spec: FieldSpec): { values: number[] } | { problem: string } {
  const quoted = `${spec.name} ${JSON.stringify(text)}`;
  const values = new Set<number>();
  for (const item of text.split(',')) {
    if (item === '') return { problem: `${quoted} has an empty item in its list; separate values with single commas` };
    const foreign = FOREIGN.find(({ pattern }) => pattern.test(item));
    if (foreign !== undefined) return { problem: `${quoted}: ${foreign.what} is not cron; ${foreign.instead}` };
    const read = readItem(item, spec, quoted);
    if ('problem' in read) return read;
    for (const value of read.values) values.add(value);
  }
  return { values: [...values].sort((a, b) => a - b) };
}

function readItem(item: string, spec: FieldSpec, quoted: string): { values: number[] } | { problem: string } {
  const match = /^(?:(\*)|([^-/]+)(?:-([^-/]+))?)(?:\/(.*))?$/.exec(item);
  const allowed = allowedText(spec);
  if (match === null) return { problem: `${quoted}: "${item}" is not a value, a range or a step; ${allowed}` };
  const [, star, fromText, toText, stepText] = match;
  let from: number = spec.low;
  let to: number = spec.high;
  if (star === undefined) {
    const first = readValue(fromText!, spec, quoted);
    if (typeof first === 'string') return { problem: first };
    from = first;
    to = first;
    if (toText !== undefined) {
      const last = readValue(toText, spec, quoted);
      if (typeof last === 'string') return { problem: last };
      to = last;
      if (from > to)
        return {
          problem: `${quoted}: the range ${fromText}-${toText} runs backwards; cron ranges go upwards, so write it as two (e.g. ${fromText}-${spec.high},${spec.low}-${toText})`,
        };
    } else if (stepText !== undefined) {
      return {
        problem: `${quoted}: a step needs * or a range before it, as in ${fromText}-${spec.high}/${stepText} or */${stepText}`,
      };
    }
  }
  let step = 1;
  if (stepText !== undefined) {
    if (!/^\d+$/.test(stepText) || Number(stepText) < 1)
      return { problem: `${quoted}: the step "${stepText}" is not a whole number of 1 or more` };
    step = Number(stepText);
    const span = to - from;
    if (step > span)
      return {
        problem: `${quoted}: a step of ${step} is longer than ${from}-${to}, so it only ever means ${from}; list the values you mean instead (${allowed})`,
      };
  }
  const values: number[] = [];
  for (let value = from; value <= to; value += step) values.push(value);
  return { values };
}

/** A number or a name of the field, or the sentence saying why it is neither. */
function readValue(text: string, spec: FieldSpec, quoted: string): number | string {
  const names = 'names' in spec ? spec.names : undefined;
  if (/^\d+$/.test(text)) {
    const value = Number(text);
    if (value < spec.low || value > spec.high) return `${quoted}: ${value} is out of range; ${allowedText(spec)}`;
    return value;
  }
  const index = names?.indexOf(text.toUpperCase() as never) ?? -1;
  if (index >= 0) return index + (spec.name === 'month' ? 1 : 0);
  return `${quoted}: "${text}" is not ${names === undefined ? 'a number' : 'a number or a name'}; ${allowedText(spec)}`;
}

function allowedText(spec: FieldSpec): string {
  const range = `${spec.name} takes ${spec.low}-${spec.high}`;
  if (spec.name === 'day-of-week') return `${range} (0 and 7 are Sunday) or SUN-SAT`;
  if (spec.name === 'month') return `${range} or JAN-DEC`;
  return range;
}

/** The minutes after midnight the expression runs at, on any day it runs; ascending. */
export function timesOfDay(expression: CronExpression): number[] {
  return expression.hours.flatMap((hour) => expression.minutes.map((minute) => hour * 60 + minute));
}

/** Whether the expression runs on a date: month 1-12, day 1-31, weekday 0-6 (Sunday 0). */
export type DayMatcher = (month: number, day: number, weekday: number) => boolean;

export function dayMatcher(expression: CronExpression): DayMatcher {
  const has = (values: readonly number[], size: number) => {
    const set = new Array<boolean>(size).fill(false);
    for (const value of values) set[value] = true;
    return set;
  };
  const months = has(expression.months, 13);
  const days = has(expression.daysOfMonth, 32);
  const weekdays = has(expression.daysOfWeek, 7);
  return expression.dayRule === 'all'
    ? (month, day, weekday) => months[month]! && days[day]! && weekdays[weekday]!
    : (month, day, weekday) => months[month]! && (days[day]! || weekdays[weekday]!);
}
