import { describe, expect, it } from 'vitest';
import { MemoryStore } from '../state/memory-store.js';
import { appliedEntry, definition, execution, seedState } from '../../test/support/state-builders.js';
import { testClock } from '../../test/support/test-clock.js';
import { runPlan } from './plan-operation.js';

const request = { targets: [], replace: [], ignorePromotion: false };

describe('the plan operation', () => {
  it('plans against the stored state at the clock’s time, and says whether the state existed', async () => {
    const store = new MemoryStore();
    const a = definition('a');
    const b = definition('b');
    const fresh = await runPlan({ ...request, definitions: [a, b] }, { store, clock: testClock() });
    expect(fresh.stateExisted).toBe(false);
    expect(fresh.plan.createdAt).toBe('2026-11-28T06:00:00.000Z');
    expect(fresh.plan.changes.map((c) => [c.name, c.action])).toEqual([
      ['a', 'create'],
      ['b', 'create'],
    ]);
    await seedState(store, { a: appliedEntry(a) });
    const again = await runPlan({ ...request, definitions: [a, b] }, { store, clock: testClock() });
    expect(again.stateExisted).toBe(true);
    expect(again.plan.changes.map((c) => [c.name, c.action])).toEqual([
      ['a', 'no-op'],
      ['b', 'create'],
    ]);
  });

  it('holds back what has not completed in the environment it is promoted from, unless told to ignore it', async () => {
    const a = definition('a');
    const b = definition('b');
    const c = definition('c');
    const source = new MemoryStore();
    // a completed in sandbox; b's last sandbox run failed; sandbox does not define c at all.
    await seedState(source, {
      a: appliedEntry(a),
      b: appliedEntry(b, { lastExecution: execution('failed', { definitionHash: b.definitionHash }) }),
    });
    const promotionSource = { environment: 'sandbox', definitions: [a, b], store: source };
    const gated = await runPlan(
      { ...request, definitions: [a, b, c] },
      { store: new MemoryStore(), clock: testClock(), promotionSource },
    );
    expect(gated.plan.changes.map((change) => [change.name, change.action])).toEqual([
      ['a', 'create'],
      ['b', 'blocked'],
      ['c', 'create'],
    ]);
    expect(gated.plan.changes.find((change) => change.name === 'c')?.promotionNotNeeded).toEqual({
      environment: 'sandbox',
    });
    const ignored = await runPlan(
      { ...request, definitions: [a, b, c], ignorePromotion: true },
      { store: new MemoryStore(), clock: testClock(), promotionSource },
    );
    expect(ignored.plan.changes.map((change) => [change.name, change.action, change.promotionIgnored])).toEqual([
      ['a', 'create', undefined],
      ['b', 'create', true],
      ['c', 'create', undefined],
    ]);
  });
});
