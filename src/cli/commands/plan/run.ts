// What `cxone-exports plan` does when it runs: loads the definitions and the state (without the lock), plans,
// shows the plan in the view asked for, and saves it for apply when asked.

import { resolve } from 'node:path';
import { writeFileDurably } from '../../../files/durable-write.js';
import { ExitError, UsageError } from '../../../errors.js';
import { loadValidDefinitions } from '../../../definitions/load-definitions.js';
import { runPlan } from '../../../operations/plan-operation.js';
import { hasChanges } from '../../../plan/plan-model.js';
import type { Plan } from '../../../plan/plan-model.js';
import type { ProjectConfig } from '../../../config/project-config.js';
import type { ExportDefinition } from '../../../definitions/export-definition.js';
import { sealPlan, serializeSavedPlan } from '../../../plan/saved-plan.js';
import { toolVersion } from '../../../version.js';
import type { CommandContext } from '../../command-context.js';
import {
  callbackReachOf,
  loopbackCallbacks,
  loopbackCallbackWarning,
} from '../../../definitions/callback-reachability.js';
import { planView } from './view.js';
import type { PlanView } from './view.js';
import { withPromotionSource } from '../../../operations/promotion-source.js';
import { EVERY_ENVIRONMENT } from '../../require-environment.js';
import { whereItApplies } from '../../where-it-applies.js';
import { withStateStoreOf } from '../../with-state-store.js';
import { parseInstant } from '../../durations.js';
import { planBindingOf } from '../../../plan/plan-binding.js';

export interface PlanCommandOptions {
  out?: string;
  json?: boolean;
  markdown?: boolean;
  detailedExitcode?: boolean;
  target: string[];
  replace: string[];
  ignorePromotion?: boolean;
  at?: string;
}

export async function plan(ctx: CommandContext, options: PlanCommandOptions): Promise<void> {
  if (options.json === true && options.markdown === true)
    throw new UsageError('--json and --markdown cannot be combined', { hint: 'Pick one output format.' });
  const view = planView(ctx, options.json === true ? 'json' : options.markdown === true ? 'markdown' : 'human');
  if (ctx.environmentChoice === EVERY_ENVIRONMENT) return planEveryEnvironment(ctx, options, view);
  if (options.at !== undefined && options.out !== undefined)
    throw new UsageError('--at previews a plan at another instant, and --out saves one for apply, which runs now', {
      hint: 'Drop --at to save the plan, or --out to preview.',
    });
  const config = await ctx.config();
  const made = await planOne(ctx, config, options);
  view.plan(made.plan, made.where);
  if (options.out !== undefined) {
    const sealed = sealPlan(made.plan, {
      binding: planBindingOf(config, ctx.env),
      stateExisted: made.stateExisted,
      definitions: made.definitions,
      targets: options.target,
      replace: options.replace,
      toolVersion: toolVersion(),
    });
    await writeFileDurably(resolve(ctx.cwd, options.out), serializeSavedPlan(sealed));
    view.saved(options.out, config.environment.names.length === 0 ? undefined : config.environment.name);
  }
  if (options.detailedExitcode === true && hasChanges(made.plan)) throw new ExitError(2);
}

async function planEveryEnvironment(ctx: CommandContext, options: PlanCommandOptions, view: PlanView): Promise<void> {
  if (options.out !== undefined)
    throw new UsageError("--out saves one environment's plan, and --env all plans every environment", {
      hint: 'Save each with its own --env: cxone-exports --env production plan --out cxone-exports.production.plan.json',
    });
  const config = await ctx.config();
  const names = config.environment.names;
  const planned: PlannedEnvironment[] = [];
  if (names.length === 0)
    planned.push({ environment: config.environment.name!, ...(await planOne(ctx, config, options)) });
  for (const environment of names)
    planned.push({ environment, ...(await planOne(ctx, await ctx.configFor(environment), options)) });
  view.plans(planned);
  if (options.detailedExitcode === true && planned.some((p) => hasChanges(p.plan))) throw new ExitError(2);
}

interface PlannedEnvironment {
  environment: string;
  plan: Plan;
  where: string | undefined;
}

/** The plan of the environment `config` is for, read without the lock. */
async function planOne(
  ctx: CommandContext,
  config: ProjectConfig,
  options: PlanCommandOptions,
): Promise<{ plan: Plan; where: string | undefined; stateExisted: boolean; definitions: ExportDefinition[] }> {
  const definitions = await loadValidDefinitions(config, ctx.cwd);
  const loopback = loopbackCallbacks(definitions.definitions, callbackReachOf(config));
  if (loopback !== undefined) ctx.logger.warn(loopbackCallbackWarning(loopback));
  const request = {
    definitions: definitions.definitions,
    targets: options.target,
    replace: options.replace,
    ...(options.at === undefined ? {} : { at: parseInstant(options.at, '--at') }),
    ignorePromotion: options.ignorePromotion === true,
  };
  const { result, location } = await withPromotionSource(
    config,
    (environment) => ctx.configFor(environment),
    ctx,
    (promotionSource) =>
      withStateStoreOf(ctx, config, async (store) => ({
        result: await runPlan(request, {
          store,
          clock: ctx.clock,
          ...(promotionSource === undefined ? {} : { promotionSource }),
        }),
        location: store.location,
      })),
  );
  return {
    plan: result.plan,
    where: whereItApplies(config, location),
    stateExisted: result.stateExisted,
    definitions: definitions.definitions,
  };
}
