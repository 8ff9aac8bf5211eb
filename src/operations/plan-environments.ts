// What `plan` does, for one environment or for each (`--env all`): loads its definitions, plans them against its
// state (read without the lock) and the environment it is promoted from, at the clock's time or at an instant
// (`--at`), and saves the one environment's plan for apply when asked (sealed and written durably).

import type { PullRequestReviews } from '../github/pull-request-reviews.js';
import { policyJudge } from './policy-approvals.js';
import type { Clock } from '../clock.js';
import { DEFAULT_ENVIRONMENT } from '../config/project-config.js';
import type { ProjectConfig } from '../config/project-config.js';
import { callbackReachOf, loopbackCallbacks } from '../definitions/callback-reachability.js';
import type { LoopbackCallbacks } from '../definitions/callback-reachability.js';
import { loadValidDefinitions } from '../definitions/load-definitions.js';
import { UsageError } from '../errors.js';
import { writeFileDurably } from '../files/durable-write.js';
import { planBindingOf } from '../plan/plan-binding.js';
import type { Plan } from '../plan/plan-model.js';
import { sealPlan, serializeSavedPlan } from '../plan/saved-plan.js';
import type { StateStore } from '../state/state-store.js';
import { toolVersion } from '../version.js';
import { runPlan } from './plan-operation.js';
import { withPromotionSource } from './promotion-source.js';

export interface PlanEnvironmentsRequest {
  /** The environment to plan, or each of the config's (`--env all`, `every`). */
  configs: readonly ProjectConfig[];
  every: boolean;
  targets: readonly string[];
  replace: readonly string[];
  /** Judge schedules as of this instant (ISO 8601, UTC) rather than now. */
  at?: string;
  ignorePromotion: boolean;
  /** `plan --out`: where the plan is saved for apply (`path`), as the user named it (`shown`). */
  out?: { path: string; shown: string };
}

export interface PlanEnvironmentsEnvironment {
  cwd: string;
  env: Readonly<Record<string, string | undefined>>;
  clock: Clock;
  /** Another environment's config (the one an environment is promoted from). */
  configFor(environment: string): Promise<ProjectConfig>;
  /** The pull request's reviews, for approval rules (GitHub Actions only). */
  reviews?: PullRequestReviews;
  /** Opens an environment's state, runs `work` on it, and closes it. */
  withStore<T>(config: ProjectConfig, work: (store: StateStore) => Promise<T>): Promise<T>;
}

export interface PlanEnvironmentsView {
  /** Callback URLs CXone could not reach, which apply would refuse. */
  loopbackCallbacks(found: LoopbackCallbacks): void;
  /** The plan was saved to `file`, for `environment` when the config has several. */
  saved(file: string, environment: string | undefined): void;
}

export interface PlannedEnvironment {
  environment: string;
  config: ProjectConfig;
  plan: Plan;
  stateLocation: string;
}

export async function planEnvironments(
  request: PlanEnvironmentsRequest,
  env: PlanEnvironmentsEnvironment,
  view: PlanEnvironmentsView,
): Promise<PlannedEnvironment[]> {
  if (request.out !== undefined && request.every)
    throw new UsageError("--out saves one environment's plan, and --env all plans every environment", {
      hint: 'Save each with its own --env: cxone-exports --env production plan --out cxone-exports.production.plan.json',
    });
  if (request.out !== undefined && request.at !== undefined)
    throw new UsageError('--at previews a plan at another instant, and --out saves one for apply, which runs now', {
      hint: 'Drop --at to save the plan, or --out to preview.',
    });
  const planned: PlannedEnvironment[] = [];
  for (const config of request.configs) {
    const definitions = await loadValidDefinitions(config, env.cwd);
    const loopback = loopbackCallbacks(definitions.definitions, callbackReachOf(config));
    if (loopback !== undefined) view.loopbackCallbacks(loopback);
    const selection = {
      definitions: definitions.definitions,
      targets: request.targets,
      replace: request.replace,
      ...(request.at === undefined ? {} : { at: request.at }),
      ignorePromotion: request.ignorePromotion,
    };
    const { result, stateLocation } = await withPromotionSource(
      config,
      (name) => env.configFor(name),
      env,
      (promotionSource) =>
        env.withStore(config, async (store) => ({
          result: await runPlan(selection, {
            store,
            clock: env.clock,
            ...(promotionSource === undefined ? {} : { promotionSource }),
          }),
          stateLocation: store.location,
        })),
    );
    const environment = config.environment.name ?? DEFAULT_ENVIRONMENT;
    const judge = await policyJudge(config.policies, environment, env.reviews);
    const plan = judge === undefined ? result.plan : await judge(result.plan);
    planned.push({ environment, config, plan, stateLocation });
    if (request.out !== undefined) {
      const sealed = sealPlan(plan, {
        binding: planBindingOf(config, env.env),
        stateExisted: result.stateExisted,
        state: result.state,
        definitions: definitions.definitions,
        targets: request.targets,
        replace: request.replace,
        toolVersion: toolVersion(),
      });
      await writeFileDurably(request.out.path, serializeSavedPlan(sealed));
      view.saved(request.out.shown, config.environment.names.length === 0 ? undefined : config.environment.name);
    }
  }
  return planned;
}
