// The tenant guard's expectation for a request, from the environment's tenantId in the config.

import type { ProjectConfig } from '../config/project-config.js';
import type { TenantExpectation } from '../operations/tenant-guard.js';

export function tenantExpectation(config: ProjectConfig): { tenant?: TenantExpectation } {
  const { name, tenantId } = config.environment;
  return name === undefined || tenantId === undefined ? {} : { tenant: { environment: name, tenantId } };
}
