// What a saved plan is bound to, read from the config and the environment of the command: the environment, the
// API, the tenant and the state's backend and location.

import type { ProjectConfig } from '../config/project-config.js';
import type { PlanBinding } from '../plan/saved-plan.js';
import { describeBackend } from '../state/open-state-store.js';
import type { CommandContext } from './command-context.js';

export function planBinding(ctx: Pick<CommandContext, 'env'>, config: ProjectConfig): PlanBinding {
  const { name, names, tenantId } = config.environment;
  return {
    environment: names.length === 0 ? null : (name ?? null),
    apiUrl: config.apiUrl,
    tenantId: tenantId ?? null,
    backend: describeBackend(config, ctx.env),
  };
}
