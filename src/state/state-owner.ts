// Whose a state is: the environment (and tenant) it was first written for. A state refuses any other, so no
// environment ever plans or applies over another's record, whatever the backend, the config or a copied file.

import { UsageError } from '../errors.js';

/** The state belongs to another environment (or tenant) than the command's. */
export class StateOwnerError extends UsageError {}

/** What a state records of whose it is; a state written before states recorded it holds neither field. */
export interface StateOwner {
  environment?: string;
  tenantId?: string;
}

/**
 * What a command expects of the state it opens: its environment (and tenant, when the config names one), or
 * `'no-environments'` for a config that defines none, which never records an owner and refuses an owned state.
 */
export type ExpectedOwner = { environment: string; tenantId?: string } | 'no-environments';

/** Refuses a stored owner that is not the expected one, naming both; a state that records none is anyone's. */
export function checkOwner(stored: StateOwner, expected: ExpectedOwner | undefined, location: string): void {
  if (expected === undefined || stored.environment === undefined) return;
  if (expected === 'no-environments')
    throw new StateOwnerError(
      `${location} belongs to environment ${stored.environment}, and this config defines no environments; nothing was read, written or sent`,
      {
        hint: `Define ${stored.environment} under environments: in the config and run with --env ${stored.environment}, or point this config at a state of its own.`,
      },
    );
  if (stored.environment !== expected.environment)
    throw new StateOwnerError(
      `${location} belongs to environment ${stored.environment}, not ${expected.environment}; nothing was read, written or sent`,
      {
        hint: `Run with --env ${stored.environment} to work on it, or give ${expected.environment} a state of its own (on pg, its own backend.stateName).`,
      },
    );
  if (stored.tenantId !== undefined && expected.tenantId !== undefined && stored.tenantId !== expected.tenantId)
    throw new StateOwnerError(
      `${location} belongs to tenant ${stored.tenantId} of environment ${stored.environment}, but the config says ${expected.environment} is tenant ${expected.tenantId}; nothing was read, written or sent`,
      {
        hint: `Check environments.${expected.environment}.tenantId in the config: a state never moves between tenants.`,
      },
    );
}

/**
 * What a write records of its owner: the expected environment and tenant where the stored state lacks them, or
 * undefined when there is nothing to add. `adopted` is set for a state that existed without an owner.
 */
export function ownerToRecord(
  stored: StateOwner | undefined,
  expected: ExpectedOwner | undefined,
): { owner: StateOwner; adopted: boolean } | undefined {
  if (expected === undefined || expected === 'no-environments') return undefined;
  const environment = stored?.environment ?? expected.environment;
  const tenantId = stored?.tenantId ?? expected.tenantId;
  if (environment === stored?.environment && tenantId === stored?.tenantId) return undefined;
  return {
    owner: { environment, ...(tenantId === undefined ? {} : { tenantId }) },
    adopted: stored !== undefined && stored.environment === undefined,
  };
}

/** The owner fields of a state, for copying onto another. */
export function ownerOf(state: StateOwner): StateOwner {
  return {
    ...(state.environment === undefined ? {} : { environment: state.environment }),
    ...(state.tenantId === undefined ? {} : { tenantId: state.tenantId }),
  };
}
