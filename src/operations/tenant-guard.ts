// The tenant guard: an environment that names its tenant refuses credentials whose token names another, before
// anything is written or sent (a sandbox credential with the production state, or the other way round).

import { tenantOfToken } from '../cxone/token-tenant.js';
import { UsageError } from '../errors.js';

export interface TenantExpectation {
  /** The environment's name, for the message. */
  environment: string;
  tenantId: string;
}

export function checkTenant(token: string, expected: TenantExpectation | undefined): void {
  if (expected === undefined) return;
  const tenant = tenantOfToken(token);
  if (tenant === undefined || tenant === expected.tenantId) return;
  throw new UsageError(
    `the credentials belong to tenant ${tenant}, but environment ${expected.environment} is tenant ${expected.tenantId}; nothing was written or sent`,
    {
      hint: `Check which credentials the environment variables of ${expected.environment} hold (a sandbox credential in production, or the other way round), or the tenantId in the config.`,
    },
  );
}
