// Every command that touches the state opens the project's backend here and closes it when done, whatever
// happens: a database backend's connections must not keep the process alive, or leak.

import type { ProjectConfig } from '../config/project-config.js';
import { openStateStore } from '../state/open-state-store.js';
import { closeStore } from '../state/state-store.js';
import type { StateStore } from '../state/state-store.js';
import type { CommandContext } from './command-context.js';
import { requireEnvironment } from './require-environment.js';

export async function withStateStore<T>(
  ctx: CommandContext,
  work: (store: StateStore, config: ProjectConfig) => Promise<T>,
): Promise<T> {
  return withStateStoreOf(ctx, await ctx.config(), work);
}

/** The same, for the config of a given environment (a plan of every environment opens each in turn). */
export async function withStateStoreOf<T>(
  ctx: CommandContext,
  given: ProjectConfig,
  work: (store: StateStore, config: ProjectConfig) => Promise<T>,
): Promise<T> {
  const config = requireEnvironment(given);
  const store = await openStateStore(config, ctx.cwd, ctx.env, {
    onAdopted: (owner) =>
      ctx.logger.warn(
        `Note: ${store.location} was written before states recorded their environment; it now belongs to ${owner.environment}${owner.tenantId === undefined ? '' : ` (tenant ${owner.tenantId})`}, and refuses any other.`,
      ),
  });
  try {
    // Another environment's state stops the command here, before anything is locked, read, written or sent.
    await store.storedOwner();
    return await work(store, config);
  } finally {
    await closeStore(store);
  }
}
