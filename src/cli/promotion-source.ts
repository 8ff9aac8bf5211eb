// The environment a command's environment is promoted from, opened for the plan operation: its own merged
// definitions, and its state store (read, never locked), closed when the work is done.

import type { ProjectConfig } from '../config/project-config.js';
import { loadValidDefinitions } from '../definitions/load-definitions.js';
import type { PromotionSource } from '../operations/plan-operation.js';
import { openStateStore } from '../state/open-state-store.js';
import { closeStore } from '../state/state-store.js';
import type { CommandContext } from './command-context.js';

export async function withPromotionSource<T>(
  ctx: CommandContext,
  config: ProjectConfig,
  work: (source: PromotionSource | undefined) => Promise<T>,
): Promise<T> {
  const from = config.environment.promoteFrom;
  if (from === undefined) return work(undefined);
  const source = await ctx.configFor(from);
  const definitions = await loadValidDefinitions(source, ctx.cwd);
  const store = await openStateStore(source, ctx.cwd, ctx.env);
  try {
    return await work({ environment: from, definitions: definitions.definitions, store });
  } finally {
    await closeStore(store);
  }
}
