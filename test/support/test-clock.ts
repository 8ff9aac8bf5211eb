// A clock a test moves: `now` is what the test set, and a sleep moves it on at once, so nothing waits for real.

import type { Clock } from '../../src/clock.js';

export interface TestClock extends Clock {
  /** Moves the clock on by `ms`. */
  advance(ms: number): void;
  /** Every sleep asked for, in order. */
  readonly slept: number[];
}

export function testClock(start = Date.parse('2026-11-28T06:00:00Z')): TestClock {
  let now = start;
  const slept: number[] = [];
  return {
    now: () => now,
    sleep: (ms) => {
      slept.push(ms);
      now += Math.max(0, ms);
      return Promise.resolve();
    },
    advance: (ms) => {
      now += ms;
    },
    slept,
  };
}
