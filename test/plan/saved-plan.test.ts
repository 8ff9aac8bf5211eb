// Saved plans refuse to apply once they no longer describe what apply would do, and refuse any edit.

import { describe, expect, it } from 'vitest';
import { planChanges } from '../../src/plan/plan-changes.js';
import { checkBinding, parseSavedPlan, sealPlan, serializeSavedPlan, staleReasons } from '../../src/plan/saved-plan.js';
import type { PlanBinding } from '../../src/plan/saved-plan.js';
import type { State } from '../../src/state/state-model.js';
import { UsageError } from '../../src/errors.js';
import { schemaCheck } from '../../src/diagnostics/schema-validator.js';
import { appliedEntry, definition, execution, stateWith } from '../support/state-builders.js';

const a = definition('a');
const b = definition('b');

const sandbox: PlanBinding = {
  environment: 'sandbox',
  apiUrl: 'https://api-sbx.example.com',
  tenantId: 'tenant-sbx',
  backend: 'pg db.example.com:5432/exports cxone_exports.sandbox',
};

function saved(state: State, exists: boolean, defs = [a, b], binding = sandbox) {
  const plan = planChanges(defs, state, { createdAt: '2026-11-27T12:00:00.000Z' });
  return sealPlan(plan, {
    binding,
    stateExisted: exists,
    state,
    definitions: defs,
    targets: [],
    replace: [],
    toolVersion: '0.1.0',
  });
}

function refusal(work: () => void): UsageError {
  try {
    work();
  } catch (error) {
    if (error instanceof UsageError) return error;
    throw error;
  }
  throw new Error('expected a refusal');
}

describe('saved plans', () => {
  const state = stateWith({ a: appliedEntry(a) }, 5, 'L1');

  it('round-trips through its file form, validates against the plan schema, and is fresh when nothing moved', () => {
    const text = serializeSavedPlan(saved(state, true));
    const parsed = parseSavedPlan(text, 'plan.json');
    expect(schemaCheck('plan')(JSON.parse(text))).toEqual([]);
    expect(staleReasons(parsed, { snapshot: { state, exists: true }, definitions: [a, b] })).toEqual([]);
  });

  it('applies only where it was made: the environment first, then the API, tenant and state', () => {
    const plan = saved(state, true);
    expect(() => checkBinding(plan, sandbox, 'p.json')).not.toThrow();
    // Issue 22, point 2: sandbox's plan applied to production's tenant, exit 0.
    const production = { ...sandbox, environment: 'production', apiUrl: 'https://api-prod.example.com' };
    expect(() => checkBinding(plan, production, 'p.json')).toThrow(
      'this plan was made for sandbox, not production; p.json is not applied, and nothing was locked or sent',
    );
    const unnamed = refusal(() => checkBinding(plan, { ...sandbox, environment: null }, 'p.json'));
    expect(unnamed.message).toBe('this plan was made for sandbox, and no environment was named; p.json is not applied');
    expect(unnamed.hint).toContain('cxone-exports --env sandbox apply p.json');
    expect(() =>
      checkBinding(saved(state, true, [a, b], { ...sandbox, environment: null }), sandbox, 'p.json'),
    ).toThrow(/made for a config without environments/);
    const elsewhere = { ...sandbox, tenantId: 'tenant-x', backend: 'local .cxone-exports/sandbox' };
    expect(() => checkBinding(plan, elsewhere, 'p.json')).toThrow(
      'this plan was made for sandbox elsewhere: the tenant is tenant-x, not tenant-sbx; the state is local .cxone-exports/sandbox, not pg db.example.com:5432/exports cxone_exports.sandbox',
    );
    expect(() => checkBinding(plan, { ...sandbox, apiUrl: 'http://127.0.0.1:1' }, 'p.json')).toThrow(
      'the API is http://127.0.0.1:1, not https://api-sbx.example.com',
    );
  });

  it('is stale when the serial moved and what it does changed, not when only other entries moved', () => {
    const plan = saved(state, true);
    const moved = { ...state, serial: 6 };
    expect(staleReasons(plan, { snapshot: { state: moved, exists: true }, definitions: [a, b] })).toEqual([
      'the state moved on (serial 5 → 6)',
    ]);
    // Issue 23, point 14: a callback recorded for an export the plan leaves alone made every saved plan stale.
    const same = planChanges([a, b], moved, { createdAt: '2026-11-27T12:05:00.000Z' });
    expect(staleReasons(plan, { snapshot: { state: moved, exists: true }, definitions: [a, b], plan: same })).toEqual(
      [],
    );
    const applied = { ...moved, exports: { ...moved.exports, b: appliedEntry(b) } };
    const changed = planChanges([a, b], applied, { createdAt: '2026-11-27T12:05:00.000Z' });
    expect(
      staleReasons(plan, { snapshot: { state: applied, exists: true }, definitions: [a, b], plan: changed }),
    ).toEqual([
      'the state moved on (serial 5 → 6) and the plan changed: b was create, is now no-op',
      'export b was recorded in the state since the plan was made',
    ]);
  });

  it('is stale when an entry it sends for changed, even when the plan recomputes the same (issue 38, point 4)', () => {
    // `plan --replace a --out p.json` at serial 5, then another engineer replaced a and the state moved to 7.
    const plan = (() => {
      const replace = planChanges([a, b], state, { createdAt: '2026-11-27T12:00:00.000Z', replace: ['a'] });
      return sealPlan(replace, {
        binding: sandbox,
        stateExisted: true,
        state,
        definitions: [a, b],
        targets: [],
        replace: ['a'],
        toolVersion: '0.1.0',
      });
    })();
    const replaced = stateWith(
      { a: appliedEntry(a, { lastExecution: execution('completed', { executionId: 'exe-other' }) }) },
      7,
      'L1',
    );
    const again = planChanges([a, b], replaced, { createdAt: '2026-11-27T12:10:00.000Z', replace: ['a'] });
    // Recomputed, the plan is the same: a replace of a. Before, that was enough to send a second time.
    expect(again.changes.find((c) => c.name === 'a')?.action).toBe(plan.changes.find((c) => c.name === 'a')?.action);
    expect(
      staleReasons(plan, { snapshot: { state: replaced, exists: true }, definitions: [a, b], plan: again }),
    ).toContain('export a changed in the state since the plan was made (its last execution exe-other)');
    // An entry it does not send for may move: a callback recorded for b leaves the plan fresh.
    const other = stateWith({ ...state.exports, b: appliedEntry(b) }, 6, 'L1');
    const withB = planChanges([a, b], other, { createdAt: '2026-11-27T12:10:00.000Z', replace: ['a'] });
    const onlyA = sealPlan(planChanges([a], state, { createdAt: '2026-11-27T12:00:00.000Z', replace: ['a'] }), {
      binding: sandbox,
      stateExisted: true,
      state,
      definitions: [a, b],
      targets: [],
      replace: ['a'],
      toolVersion: '0.1.0',
    });
    expect(
      staleReasons(onlyA, { snapshot: { state: other, exists: true }, definitions: [a, b], plan: withB }).filter((r) =>
        r.startsWith('export'),
      ),
    ).toEqual([]);
  });

  it('is stale against another lineage', () => {
    expect(
      staleReasons(saved(state, true), {
        snapshot: { state: { ...state, lineage: 'L2' }, exists: true },
        definitions: [a, b],
      }),
    ).toEqual(['the state has another lineage (L1 → L2)']);
  });

  it('made against no state, is stale once any state exists (Terraform issue 24078)', () => {
    const none = stateWith({}, 0, 'made-up-for-the-read');
    const plan = saved(none, false);
    expect(
      staleReasons(plan, {
        snapshot: { state: stateWith({}, 0, 'another-made-up'), exists: false },
        definitions: [a, b],
      }),
    ).toEqual([]);
    expect(
      staleReasons(plan, { snapshot: { state: stateWith({}, 1, 'real'), exists: true }, definitions: [a, b] }),
    ).toEqual(['the plan was made when there was no state, and a state now exists (serial 1)']);
  });

  it('is stale when a definition was edited, added or removed, naming each', () => {
    const edited = definition('a', ['maxRows: 9']);
    expect(
      staleReasons(saved(state, true), { snapshot: { state, exists: true }, definitions: [edited, definition('c')] }),
    ).toEqual(['export a was edited', 'export b was removed from the files', 'export c was added']);
  });

  it('refuses a tampered file', () => {
    const text = serializeSavedPlan(saved(state, true)).replace('"maxRows": 1000', '"maxRows": 5000000');
    expect(() => parseSavedPlan(text, 'plan.json')).toThrow(UsageError);
    expect(() => parseSavedPlan(text, 'plan.json')).toThrow('plan.json was modified after it was written');
  });

  it('refuses files that are not plans, or of another format version', () => {
    expect(() => parseSavedPlan('{"hello": 1}', 'x.json')).toThrow('is not a saved cxone-exports plan');
    expect(() => parseSavedPlan('nope', 'x.json')).toThrow('x.json is not a plan file');
    const other = JSON.parse(serializeSavedPlan(saved(state, true))) as Record<string, unknown>;
    expect(() => parseSavedPlan(JSON.stringify({ ...other, formatVersion: '9.9' }), 'x.json')).toThrow(
      'plan format 9.9',
    );
  });
});
