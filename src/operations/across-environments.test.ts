import { describe, expect, it } from 'vitest';
import { runAcrossEnvironments } from './across-environments.js';
import type { EnvironmentStep } from './across-environments.js';
import { testClock } from '../../test/support/test-clock.js';

const STEPS: EnvironmentStep[] = [
  { environment: 'acme-sandbox', promoteFrom: undefined },
  { environment: 'acme-production', promoteFrom: 'acme-sandbox' },
  { environment: 'globex-sandbox', promoteFrom: undefined },
  { environment: 'globex-production', promoteFrom: 'globex-sandbox' },
  { environment: 'initech-sandbox', promoteFrom: undefined },
  { environment: 'initech-production', promoteFrom: 'initech-sandbox' },
];

/** Work whose every environment ends only when the test says so, recording what ran at once. */
function controlledWork(failing: readonly string[] = []) {
  const pending = new Map<string, () => void>();
  const started: string[] = [];
  const roles = new Map<string, boolean>();
  let running = 0;
  let peak = 0;
  const work = (environment: string, role: { sourceOfPromotion: boolean }) => {
    started.push(environment);
    roles.set(environment, role.sourceOfPromotion);
    peak = Math.max(peak, ++running);
    return new Promise<string>((resolve, reject) =>
      pending.set(environment, () => {
        running--;
        pending.delete(environment);
        if (failing.includes(environment)) reject(new Error(`${environment} is down`));
        else resolve(environment);
      }),
    );
  };
  /** Lets the event loop run until the runner has started what it can. */
  const settle = () => new Promise((resolve) => setImmediate(resolve));
  return { work, pending, started, roles, peak: () => peak, settle };
}

describe('running across environments', () => {
  it('runs independent environments side by side, productions after their sandboxes', async () => {
    const control = controlledWork();
    const run = runAcrossEnvironments(STEPS, { parallel: 6, clock: testClock() }, control.work, () => true);
    await control.settle();
    expect(control.started).toEqual(['acme-sandbox', 'globex-sandbox', 'initech-sandbox']);
    expect(control.roles.get('acme-sandbox')).toBe(true);
    control.pending.get('globex-sandbox')!();
    await control.settle();
    expect(control.started.at(-1)).toBe('globex-production');
    expect(control.roles.get('globex-production')).toBe(false);
    let done = false;
    void run.then(() => (done = true));
    while (!done) {
      for (const finish of [...control.pending.values()]) finish();
      await control.settle();
    }
    const ends = await run;
    expect(ends.map((e) => [e.environment, e.outcome])).toEqual(STEPS.map((s) => [s.environment, 'succeeded']));
  });

  it('holds what depends on a failed environment, and carries on with the others', async () => {
    const control = controlledWork(['globex-sandbox']);
    const run = runAcrossEnvironments(STEPS, { parallel: 6, clock: testClock() }, control.work, () => true);
    let done = false;
    void run.then(() => (done = true));
    while (!done) {
      for (const finish of [...control.pending.values()]) finish();
      await control.settle();
    }
    const ends = await run;
    const byName = new Map(ends.map((e) => [e.environment, e]));
    expect(byName.get('globex-sandbox')).toMatchObject({ outcome: 'failed' });
    expect(byName.get('globex-production')).toEqual({
      environment: 'globex-production',
      outcome: 'held',
      heldBecause: 'its promotion source globex-sandbox failed in this run',
    });
    expect(control.started).not.toContain('globex-production');
    expect(ends.filter((e) => e.outcome === 'succeeded')).toHaveLength(4);
  });

  it('keeps within the parallel limit, and judges results with the given rule', async () => {
    const control = controlledWork();
    const run = runAcrossEnvironments(
      STEPS,
      { parallel: 2, clock: testClock() },
      control.work,
      (environment) => environment !== 'initech-sandbox',
    );
    let done = false;
    void run.then(() => (done = true));
    while (!done) {
      await control.settle();
      expect(control.pending.size).toBeLessThanOrEqual(2);
      [...control.pending.values()][0]?.();
    }
    const ends = await run;
    expect(control.peak()).toBe(2);
    expect(ends.find((e) => e.environment === 'initech-sandbox')).toMatchObject({ outcome: 'failed' });
  });

  it('holds environments that promote from each other in a circle instead of waiting forever', async () => {
    const ends = await runAcrossEnvironments(
      [
        { environment: 'a', promoteFrom: 'b' },
        { environment: 'b', promoteFrom: 'a' },
        { environment: 'c', promoteFrom: undefined },
      ],
      { parallel: 4, clock: testClock() },
      () => Promise.resolve(1),
      () => true,
    );
    expect(ends.map((e) => e.outcome)).toEqual(['held', 'held', 'succeeded']);
  });
});
