// What a saved plan is bound to, read from the config and the process environment of the command that saves or
// applies it: the environment, the API, the tenant and the state's backend and location.

import type { ProjectConfig } from '../config/project-config.js';
import { describeBackend } from '../state/open-state-store.js';
import type { PlanBinding } from './saved-plan.js';

export function planBindingOf(config: ProjectConfig, env: Readonly<Record<string, string | undefined>>): PlanBinding {
  const { name, names, tenantId } = config.environment;
  return {
    environment: names.length === 0 ? null : (name ?? null),
    apiUrl: config.apiUrl,
    tenantId: tenantId ?? null,
    backend: describeBackend(config, env),
  };
}
