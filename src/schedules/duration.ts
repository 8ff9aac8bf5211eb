// The one duration grammar: a number with a unit, `90s`, `15m`, `2h`, `1d`. Files write a whole number and a unit
// (durationMs, which the schemas' pattern matches); the command line also takes a fraction, `1.5h`, or a bare
// number of seconds (commandLineDurationMs, for cli/durations.ts).

export const DURATION_UNITS: Readonly<Record<string, number>> = {
  ms: 1,
  s: 1000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
};

export const DURATION_PATTERN = /^(\d+)(ms|s|m|h|d)$/;

/** The duration in milliseconds, or undefined when the text is not one. */
export function durationMs(text: string): number | undefined {
  const match = DURATION_PATTERN.exec(text.trim());
  return match === null ? undefined : Number(match[1]) * DURATION_UNITS[match[2]!]!;
}

const COMMAND_LINE_PATTERN = new RegExp(`^(\\d+(?:\\.\\d+)?)(${Object.keys(DURATION_UNITS).join('|')})?$`);

/** A duration as the command line takes it, in whole milliseconds, or undefined when the text is not one. */
export function commandLineDurationMs(text: string): number | undefined {
  const match = COMMAND_LINE_PATTERN.exec(text.trim());
  return match === null ? undefined : Math.round(Number(match[1]) * DURATION_UNITS[match[2] ?? 's']!);
}

/** A duration as people write it: the largest unit that divides it (`2h`, `90m`, `45s`). */
export function formatDuration(ms: number): string {
  for (const unit of ['d', 'h', 'm', 's'] as const) {
    const size = DURATION_UNITS[unit]!;
    if (ms >= size && ms % size === 0) return `${ms / size}${unit}`;
  }
  return `${ms}ms`;
}
