// What `cxone-exports plan` does when it runs: loads the definitions and the state (without the lock), plans,
// shows the plan in the view asked for, and saves it for apply when asked.

import { resolve } from 'node:path';
import { writeFileDurably } from '../../files/durable-write.js';
import { ExitError, UsageError } from '../../errors.js';
import { loadValidDefinitions } from '../../definitions/load-definitions.js';
import { planChanges } from '../../plan/plan-changes.js';
import { hasChanges } from '../../plan/plan-model.js';
import { sealPlan, serializeSavedPlan } from '../../plan/saved-plan.js';
import { toolVersion } from '../../version.js';
import type { CommandContext } from '../command-context.js';
import type { PlanCommandOptions } from '../commands/plan.js';
import { loopbackCallbacks, loopbackCallbackWarning } from '../loopback-callbacks.js';
import { planView } from '../views/plan-view.js';
import { whereItApplies } from '../where-it-applies.js';
import { withStateStore } from '../with-state-store.js';

export async function plan(ctx: CommandContext, options: PlanCommandOptions): Promise<void> {
  if (options.json === true && options.markdown === true)
    throw new UsageError('--json and --markdown cannot be combined', { hint: 'Pick one output format.' });
  const view = planView(ctx, options.json === true ? 'json' : options.markdown === true ? 'markdown' : 'human');
  const config = await ctx.config();
  const definitions = await loadValidDefinitions(config, ctx.cwd);
  const loopback = loopbackCallbacks(definitions.definitions, config);
  if (loopback !== undefined) ctx.logger.warn(loopbackCallbackWarning(loopback));
  const { snapshot, location } = await withStateStore(ctx, async (store) => ({
    snapshot: await store.read(),
    location: store.location,
  }));

  const plan = planChanges(definitions.definitions, snapshot.state, {
    createdAt: new Date().toISOString(),
    targets: options.target,
    replace: options.replace,
  });
  view.plan(plan, whereItApplies(config, location));
  if (options.out !== undefined) {
    const sealed = sealPlan(plan, {
      stateExisted: snapshot.exists,
      definitions: definitions.definitions,
      targets: options.target,
      replace: options.replace,
      toolVersion: toolVersion(),
    });
    await writeFileDurably(resolve(ctx.cwd, options.out), serializeSavedPlan(sealed));
    view.saved(options.out);
  }
  if (options.detailedExitcode === true && hasChanges(plan)) throw new ExitError(2);
}
