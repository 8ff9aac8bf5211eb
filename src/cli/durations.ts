// Durations on the command line: `30s`, `5m`, `1h`, `1500ms`, or a bare number of seconds.

import { UsageError } from '../errors.js';

const UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

export function parseDuration(text: string, flag: string): number {
  const match = /^(\d+(?:\.\d+)?)(ms|s|m|h|d)?$/.exec(text.trim());
  if (match === null) throw new UsageError(`${flag} ${JSON.stringify(text)} is not a duration`, { hint: `Use a number with a unit, e.g. ${flag} 30s, 5m, 1h or 7d.` });
  return Math.round(Number(match[1]) * UNITS[match[2] ?? 's']!);
}

export function lockTimeoutMs(text: string | undefined): number {
  return text === undefined ? 0 : parseDuration(text, '--lock-timeout');
}
