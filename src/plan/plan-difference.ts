// Whether two plans would do the same: per export, the action, its reason, the definition version and the key.
// A state that moved on (a callback recorded, another run) matters to a reviewed or saved plan only if it changes
// one of these.

import type { Plan, PlannedChange } from './plan-model.js';

/** How two plans differ in what they would do (an export's action, reason or version), or undefined. */
export function planDifference(before: Plan, after: Plan): string | undefined {
  const key = (c: PlannedChange) => `${c.action} ${c.reason} ${c.definitionHash} ${c.idempotencyKey ?? ''}`;
  const was = new Map(before.changes.map((c) => [c.name, key(c)]));
  const now = new Map(after.changes.map((c) => [c.name, key(c)]));
  for (const name of new Set([...was.keys(), ...now.keys()])) {
    if (was.get(name) !== now.get(name)) {
      const show = (plan: Plan) => plan.changes.find((c) => c.name === name)?.action ?? 'nothing';
      return `${name} was ${show(before)}, is now ${show(after)}`;
    }
  }
  return undefined;
}
