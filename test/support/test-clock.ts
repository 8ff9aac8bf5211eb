// A clock a test moves: `now` is what the test set, and a sleep moves it on at once, so nothing waits for real.

import { systemClock } from '../../src/clock.js';
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

/**
 * A clock that starts at `instant` and runs on in real time from there, with real sleeps: what libfaketime gives a
 * process (libfaketime.ts), for a command run in this one.
 */
export function clockFrom(instant: string): Clock {
  const offset = Date.parse(instant) - systemClock.now();
  if (Number.isNaN(offset)) throw new Error(`not an instant: ${instant}`);
  return { now: () => systemClock.now() + offset, sleep: (ms, signal) => systemClock.sleep(ms, signal) };
}
