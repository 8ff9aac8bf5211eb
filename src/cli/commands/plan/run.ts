// What `cxone-exports plan` does when it runs: builds the request from the flags (one environment, or each with
// --env all), runs the plan operation (operations/plan-environments.ts) and shows the plans in the view asked for.

import { pullRequestReviews } from '../../../github/pull-request-reviews.js';
import { blocksApply } from '../../../plan/plan-model.js';
import type { PolicyHit } from '../../../plan/plan-model.js';
import { policyAnnotations } from '../../views/render-policy-hits.js';
import { inGitHubActions } from '../../github-actions.js';
import { resolve } from 'node:path';
import { loopbackCallbackWarning } from '../../../definitions/callback-reachability.js';
import { ExitError, UsageError } from '../../../errors.js';
import { planEnvironments } from '../../../operations/plan-environments.js';
import type { PlannedEnvironment } from '../../../operations/plan-environments.js';
import { hasChanges } from '../../../plan/plan-model.js';
import type { CommandContext } from '../../command-context.js';
import { parseInstant } from '../../durations.js';
import { whereItApplies } from '../../where-it-applies.js';
import { withStateStoreOf } from '../../with-state-store.js';
import { planView } from './view.js';

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
  const config = await ctx.config();
  // Each selected environment (--env all, a list or a pattern), else the one chosen (the top level without any).
  const selected = await ctx.selection();
  const every = selected !== undefined;
  const configs = selected !== undefined ? await Promise.all(selected.map((name) => ctx.configFor(name))) : [config];
  const planned = await planEnvironments(
    {
      configs,
      every,
      targets: options.target,
      replace: options.replace,
      ...(options.at === undefined ? {} : { at: parseInstant(options.at, '--at') }),
      ignorePromotion: options.ignorePromotion === true,
      ...(options.out === undefined ? {} : { out: { path: resolve(ctx.cwd, options.out), shown: options.out } }),
    },
    {
      cwd: ctx.cwd,
      env: ctx.env,
      clock: ctx.io.clock,
      configFor: (environment) => ctx.configFor(environment),
      reviews: pullRequestReviews(ctx.env),
      withStore: (environmentConfig, work) => withStateStoreOf(ctx, environmentConfig, (store) => work(store)),
    },
    {
      loopbackCallbacks: (found) => ctx.logger.warn(loopbackCallbackWarning(found)),
      saved: (file, environment) => view.saved(file, environment),
    },
  );
  const where = (p: PlannedEnvironment) => whereItApplies(p.config, p.stateLocation);
  if (every) view.plans(planned.map((p) => ({ environment: p.environment, plan: p.plan, where: where(p) })));
  else view.plan(planned[0]!.plan, where(planned[0]!));
  // Inside GitHub Actions, each policy hit is an annotation on the run; a deny stops here, after the plan is shown.
  if (inGitHubActions(ctx.env))
    for (const p of planned) for (const line of policyAnnotations(p.plan)) ctx.logger.warn(line);
  // A deny stops the plan; a missing approval only on a pull request, so a required check blocks the merge there
  // while a local plan still just shows what is needed.
  const onPullRequest = (ctx.env.GITHUB_EVENT_NAME ?? '').startsWith('pull_request');
  const stops = (hit: PolicyHit) => hit.level === 'deny' || (onPullRequest && blocksApply(hit));
  if (planned.some((p) => (p.plan.policyHits ?? []).some(stops))) throw new ExitError(1);
  if (options.detailedExitcode === true && planned.some((p) => hasChanges(p.plan))) throw new ExitError(2);
}
