// The promotion gate's input: which exports' current definitions have a completed execution in the environment
// this one is promoted from (its own merged definitions, against its own state, read without its lock).

import type { ProjectConfig } from '../config/project-config.js';
import { loadValidDefinitions } from '../definitions/load-definitions.js';
import type { Promotion } from '../plan/plan-changes.js';
import { openStateStore } from '../state/open-state-store.js';
import { closeStore } from '../state/state-store.js';
import type { CommandContext } from './command-context.js';

export async function promotionFor(
  ctx: CommandContext,
  config: ProjectConfig,
  ignore: boolean,
): Promise<Promotion | undefined> {
  const from = config.environment.promoteFrom;
  if (from === undefined) return undefined;
  const source = await ctx.configFor(from);
  const definitions = await loadValidDefinitions(source, ctx.cwd);
  const store = await openStateStore(source, ctx.cwd, ctx.env);
  try {
    const { state } = await store.read();
    const defined = new Set(definitions.definitions.map((definition) => definition.name));
    const promoted = new Set(
      definitions.definitions
        .filter((definition) => {
          const last = state.exports[definition.name]?.lastExecution;
          return last?.status === 'completed' && last.definitionHash === definition.definitionHash;
        })
        .map((definition) => definition.name),
    );
    return { from, promoted, defined, ignore };
  } finally {
    await closeStore(store);
  }
}
