// What a policy rule sees of one planned change (`change` in its expression; docs/reference/policies.md): the
// export, the environment, the action, the spec as it would be sent and the one the state holds, the labels, the
// changed fields and where the change stands with promotion. Integers are CEL ints.

import type { PlannedChange } from './plan-model.js';

/** CEL's names for the plan's actions. */
const ACTIONS: Record<PlannedChange['action'], string> = {
  create: 'create',
  update: 'update',
  resubmit: 'replace',
  retry: 'retry',
  run: 'run',
  forget: 'delete',
  'no-op': 'no-op',
  blocked: 'blocked',
};

/** The change as its rules see it, in `environment`. */
export function policyChange(change: PlannedChange, environment: string): Record<string, unknown> {
  const spec = change.after?.spec ?? change.before?.spec;
  return {
    export: change.name,
    environment,
    action: ACTIONS[change.action],
    spec: celValues({ callbackUrl: '', ...spec }),
    before: change.before === null ? null : celValues(change.before.spec),
    labels: { ...(change.after?.metadata.labels ?? change.before?.metadata.labels ?? {}) },
    changedFields: change.fieldChanges.map((field) => field.path),
    promotion:
      change.reason === 'environment-only'
        ? 'environment-only'
        : change.reason === 'not-promoted'
          ? 'not promoted'
          : change.promotionNotNeeded !== undefined
            ? 'not needed'
            : 'promoted',
  };
}

/** Whole numbers as CEL ints (BigInt), everything else as it is. */
function celValues(value: unknown): unknown {
  if (typeof value === 'number' && Number.isInteger(value)) return BigInt(value);
  if (Array.isArray(value)) return value.map(celValues);
  if (value !== null && typeof value === 'object')
    return Object.fromEntries(Object.entries(value).map(([key, inner]) => [key, celValues(inner)]));
  return value;
}
