import { describe, expect, it } from 'vitest';
import { RequestGate, TRANSIT_MARGIN_MS } from './request-gate.js';
import type { Clock } from '../clock.js';

function fakeClock(): Clock & { t: number } {
  const clock = {
    t: 0,
    now: () => clock.t,
    sleep: (ms: number) => {
      clock.t += ms;
      return Promise.resolve();
    },
  };
  return clock;
}

describe('RequestGate', () => {
  it('spaces requests to one data action, but not across data actions', async () => {
    const clock = fakeClock();
    const gate = new RequestGate({ spacingMs: 2000, maxRequestsPerSecond: undefined }, clock);
    const starts: [string, number][] = [];
    for (const da of ['a', 'b', 'a', 'a']) {
      await gate.acquire(da);
      starts.push([da, clock.t]);
    }
    const step = 2000 + TRANSIT_MARGIN_MS;
    expect(starts).toEqual([
      ['a', 0],
      ['b', 0],
      ['a', step],
      ['a', 2 * step],
    ]);
  });

  it('caps the global request rate', async () => {
    const clock = fakeClock();
    const gate = new RequestGate({ spacingMs: 0, maxRequestsPerSecond: 4 }, clock);
    const starts: number[] = [];
    for (let i = 0; i < 5; i++) {
      await gate.acquire(`da-${i}`);
      starts.push(clock.t);
    }
    expect(starts).toEqual([0, 250, 500, 750, 1000]);
  });

  it('holds every data action after a 429 for the time CXone asked', async () => {
    const clock = fakeClock();
    const gate = new RequestGate({ spacingMs: 0, maxRequestsPerSecond: undefined }, clock);
    await gate.acquire('a');
    gate.throttle(3000);
    await gate.acquire('b');
    expect(clock.t).toBe(3000);
  });
});
