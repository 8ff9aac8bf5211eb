// Argument parsers for commander options, so a bad number is a usage message, not a NaN deep inside.

import { InvalidArgumentError } from 'commander';

export function integerOption(min: number, max = Number.MAX_SAFE_INTEGER): (value: string) => number {
  return (value) => {
    const parsed = Number(value);
    if (!/^-?\d+$/.test(value.trim()) || parsed < min || parsed > max)
      throw new InvalidArgumentError(
        `expected a whole number from ${min} to ${max === Number.MAX_SAFE_INTEGER ? 'up' : max}, got "${value}".`,
      );
    return parsed;
  };
}

export function fractionOption(value: string): number {
  const parsed = Number(value);
  if (value.trim() === '' || Number.isNaN(parsed) || parsed < 0 || parsed > 1)
    throw new InvalidArgumentError(`expected a fraction from 0 to 1 (e.g. 0.1), got "${value}".`);
  return parsed;
}

export function positiveNumberOption(value: string): number {
  const parsed = Number(value);
  if (value.trim() === '' || Number.isNaN(parsed) || parsed <= 0)
    throw new InvalidArgumentError(`expected a number above 0, got "${value}".`);
  return parsed;
}

export function collect(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}
