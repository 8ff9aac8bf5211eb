// The one place that decides whether output is coloured. chalk 5 reads FORCE_COLOR but not NO_COLOR, and it
// cannot know about --no-color, so the level is decided here and handed to a private Chalk instance.

import { Chalk } from 'chalk';
import type { ChalkInstance } from 'chalk';

export interface ColorInputs {
  /** false when --no-color was given. */
  colorFlag: boolean;
  env: Readonly<Record<string, string | undefined>>;
  isTTY: boolean;
}

export type ColorLevel = 0 | 1 | 2 | 3;

export function colorLevel({ colorFlag, env, isTTY }: ColorInputs): ColorLevel {
  if (!colorFlag) return 0;
  const force = env.FORCE_COLOR;
  if (force !== undefined) {
    if (force === '0' || force === 'false') return 0;
    if (force === '2' || force === '3') return Number(force) as ColorLevel;
    return 1;
  }
  // https://no-color.org: any non-empty value turns colour off.
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return 0;
  if (!isTTY || env.TERM === 'dumb') return 0;
  return 1;
}

export function createColors(level: ColorLevel): ChalkInstance {
  return new Chalk({ level });
}

export type Colors = ChalkInstance;
