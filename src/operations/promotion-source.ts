// The environment a command's environment is promoted from, opened for the plan and apply operations: its own
// merged definitions, and its state store (read, never locked), closed when the work is done.

import type { ProjectConfig } from '../config/project-config.js';
import { loadValidDefinitions } from '../definitions/load-definitions.js';
import { openStateStore } from '../state/open-state-store.js';
import { closeStore } from '../state/state-store.js';
import type { PromotionSource } from './plan-operation.js';

/** Where an environment's definitions and state are found: the command's directory and process environment. */
export interface Surroundings {
  cwd: string;
  env: Readonly<Record<string, string | undefined>>;
}

/**
 * Runs `work` with the environment `config` is promoted from, or with nothing when it is promoted from none.
 * `configFor` reads another environment's config (the command's, with its own credentials and backend).
 */
export async function withPromotionSource<T>(
  config: ProjectConfig,
  configFor: (environment: string) => Promise<ProjectConfig>,
  surroundings: Surroundings,
  work: (source: PromotionSource | undefined) => Promise<T>,
): Promise<T> {
  const from = config.environment.promoteFrom;
  if (from === undefined) return work(undefined);
  const source = await configFor(from);
  const definitions = await loadValidDefinitions(source, surroundings.cwd);
  const store = await openStateStore(source, surroundings.cwd, surroundings.env);
  try {
    return await work({ environment: from, definitions: definitions.definitions, store });
  } finally {
    await closeStore(store);
  }
}
