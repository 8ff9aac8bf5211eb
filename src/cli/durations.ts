// Durations on the command line (`30s`, `5m`, `1.5h`, `1500ms`, or a bare number of seconds: the grammar of
// schedules/duration.ts) checked against each flag's limit, and instants.

import { UsageError } from '../errors.js';
import { commandLineDurationMs, DURATION_UNITS as UNITS } from '../schedules/duration.js';

/** The longest a Node.js timer can wait (2^31 - 1 ms, about 24.8 days); longer ones fire at once. */
export const MAX_TIMER_MS = 2_147_483_647;

/** A duration in milliseconds, at most `maxMs` (by default what a timer can hold). */
export function parseDuration(text: string, flag: string, maxMs = MAX_TIMER_MS): number {
  const ms = commandLineDurationMs(text);
  if (ms === undefined)
    throw new UsageError(`${flag} ${JSON.stringify(text)} is not a duration`, {
      hint: `Use a number with a unit, e.g. ${flag} 30s, 5m, 1h or 7d.`,
    });
  if (ms > maxMs)
    throw new UsageError(`${flag} ${text} is too long: at most ${describeMax(maxMs)}`, {
      hint: `Give ${flag} a shorter duration.`,
    });
  return ms;
}

function describeMax(ms: number): string {
  return ms % UNITS.d! === 0 ? `${ms / UNITS.d!}d` : ms >= UNITS.h! ? `${Math.floor(ms / UNITS.h!)}h` : `${ms}ms`;
}

export function lockTimeoutMs(text: string | undefined): number {
  return text === undefined ? 0 : parseDuration(text, '--lock-timeout');
}

/** Ten years: further back than any audit log, and well inside what a Date can hold. */
const MAX_WINDOW_MS = 3650 * 86_400_000;

/** `--since DURATION` as the window's length in ms, or undefined without the flag. */
export function windowMs(text: string | undefined): number | undefined {
  return text === undefined ? undefined : parseDuration(text, '--since', MAX_WINDOW_MS);
}

/** `--since DURATION` as the moment the window starts, counted back from `now`, or undefined without the flag. */
export function sinceMoment(text: string | undefined, now: number): Date | undefined {
  const length = windowMs(text);
  return length === undefined ? undefined : new Date(now - length);
}

/** An instant on the command line: ISO 8601 with a date, a time and an offset, as the UTC ISO string. */
export function parseInstant(text: string, flag: string): string {
  const shaped = /^(\d{4})-(\d\d)-(\d\d)T(\d\d):(\d\d)(:(\d\d)(\.\d+)?)?(Z|[+-]\d\d:\d\d)$/i.exec(text.trim());
  const ms = shaped !== null ? Date.parse(text.trim()) : Number.NaN;
  // Date.parse rolls 2026-02-30 over to 2 March: a date or time that does not exist as written is refused.
  const exists =
    shaped !== null &&
    Number(shaped[2]) >= 1 &&
    Number(shaped[2]) <= 12 &&
    Number(shaped[3]) >= 1 &&
    Number(shaped[3]) <= new Date(Date.UTC(Number(shaped[1]), Number(shaped[2]), 0)).getUTCDate() &&
    Number(shaped[4]) <= 23 &&
    Number(shaped[5]) <= 59 &&
    Number(shaped[7] ?? 0) <= 59;
  if (shaped !== null && !Number.isNaN(ms) && !exists)
    throw new UsageError(`${flag} ${JSON.stringify(text)} names a date or time that does not exist`, {
      hint: `Check the day of the month and the time, e.g. ${flag} 2026-02-28T06:00:00Z.`,
    });
  if (Number.isNaN(ms))
    throw new UsageError(`${flag} ${JSON.stringify(text)} is not an instant with an offset`, {
      hint: `Give a date, a time and an offset, e.g. ${flag} 2026-11-28T06:30:00+01:00 or ${flag} 2026-11-28T05:30:00Z.`,
    });
  return new Date(ms).toISOString();
}
