// What `cxone-exports apply` does when it runs: builds the request from the flags, the config and the
// environment, picks the view, runs the apply operation and maps its outcome to an exit code.

import { pullRequestReviews } from '../../../github/pull-request-reviews.js';
import { checkOverride, policyJudge } from '../../../operations/policy-approvals.js';
import { resolve } from 'node:path';
import { runIdentity } from '../../../audit/run-identity.js';
import { ExitError, UsageError } from '../../../errors.js';
import { createCxoneClient } from '../../../cxone/create-client.js';
import { loadValidDefinitions } from '../../../definitions/load-definitions.js';
import { runApply } from '../../../operations/apply-operation.js';
import type { ApplyEnd, ApplyRequest } from '../../../operations/apply-operation.js';
import { runInSelection } from '../../run-in-selection.js';
import type { EnvironmentWork } from '../../views/run-report.js';
import { checkBinding, parseSavedPlan } from '../../../plan/saved-plan.js';
import type { SavedPlan } from '../../../plan/saved-plan.js';
import { callbackTokenFor } from '../../callback-secrets.js';
import { askApproval } from '../../approval.js';
import type { CommandContext } from '../../command-context.js';
import { lockTimeoutMs, parseDuration } from '../../durations.js';
import { exitCodeFor, onInterrupt } from '../../signal-handlers.js';
import { callbackReachOf } from '../../../definitions/callback-reachability.js';
import { withPromotionSource } from '../../../operations/promotion-source.js';
import { tenantExpectation } from '../../tenant-expectation.js';
import { applyView } from './view.js';
import { whereItApplies } from '../../where-it-applies.js';
import { withStateStore } from '../../with-state-store.js';
import { planBindingOf } from '../../../plan/plan-binding.js';
import { requireEnvironment } from '../../require-environment.js';
import type { ProjectConfig } from '../../../config/project-config.js';
import { DEFAULT_ENVIRONMENT } from '../../../config/project-config.js';
import { fsPromises } from '../../../on-first-use.js';

export interface ApplyOptions {
  autoApprove?: boolean;
  target: string[];
  replace: string[];
  concurrency?: number;
  lockTimeout?: string;
  wait?: boolean;
  scheduleOnly?: boolean;
  overridePolicy?: string;
  reason?: string;
  waitTimeout: string;
  json?: boolean;
  parallel?: number;
  report?: string;
  allowLoopbackCallbacks?: boolean;
  ignorePromotion?: boolean;
}

export async function apply(ctx: CommandContext, planFile: string | undefined, options: ApplyOptions): Promise<void> {
  const selection = await ctx.selection();
  if (selection !== undefined && planFile !== undefined)
    throw new UsageError(
      `a saved plan applies in the one environment it was made for, and --env ${ctx.environmentChoice!} selects several`,
      {
        hint: `Apply ${planFile} with the --env it was made for, or apply the selection without a plan file (with --auto-approve).`,
      },
    );
  if (selection !== undefined && options.autoApprove !== true)
    throw new UsageError(`applying across several environments (${selection.join(', ')}) needs --auto-approve`, {
      hint: 'Review the plans first (cxone-exports --env … plan), then apply them with --auto-approve; one prompt for many tenants would be approved without being read.',
    });
  await runInSelection(ctx, 'apply', options, async (environmentCtx, role) =>
    workOf(
      // A source of promotion in this run finishes its executions first, so the gate after it sees their ends.
      await applyInEnvironment(environmentCtx, planFile, role.sourceOfPromotion ? { ...options, wait: true } : options),
    ),
  );
}

/** What an apply came to, for the summary and the report; it succeeded when nothing failed and nothing stopped it. */
function workOf(end: ApplyEnd): EnvironmentWork {
  const count = (outcome: string) => end.results.filter((r) => r.outcome === outcome).length;
  const ended = new Map(end.ends.map((e) => [e.execution.executionId, e.status]));
  const succeeded = end.failed === 0 && end.unsuccessful.length === 0 && end.interrupted === undefined;
  return {
    succeeded,
    outcome: !succeeded ? 'failed' : end.results.length === 0 ? 'no changes' : 'applied',
    submitted: count('submitted'),
    failed: end.failed,
    skipped: count('skipped'),
    blocked: end.blocked,
    failedExecutions: end.unsuccessful.length,
    executions: end.results
      .filter((r) => r.executionId !== undefined)
      .map((r) => ({
        export: r.name,
        executionId: r.executionId!,
        status: ended.get(r.executionId!) ?? 'submitted',
      })),
    errors: [
      ...end.results.filter((r) => r.outcome === 'failed').map((r) => `${r.name}: ${r.reason ?? 'failed'}`),
      ...end.unsuccessful.map((u) => `${u.execution.name}: execution ${u.execution.executionId} ${u.status}`),
      ...(end.interrupted === undefined ? [] : [`stopped by ${end.interrupted}`]),
    ],
  };
}

async function applyInEnvironment(
  ctx: CommandContext,
  planFile: string | undefined,
  options: ApplyOptions,
): Promise<ApplyEnd> {
  if (planFile !== undefined && options.scheduleOnly === true)
    throw new UsageError('--schedule-only sends what is due now, and a saved plan fixes what is applied', {
      hint: `Apply ${planFile} alone, or drop it to run the schedule.`,
    });
  if (options.scheduleOnly === true && options.replace.length > 0)
    throw new UsageError('--replace sends an export again, which the schedule never does', {
      hint: 'Run the replace as a reviewed apply, without --schedule-only.',
    });
  if (planFile !== undefined && (options.target.length > 0 || options.replace.length > 0)) {
    throw new UsageError('--target and --replace cannot be used with a saved plan', {
      hint: `The plan file already fixes what is applied. Make a new one: cxone-exports plan --target … --out ${planFile}`,
    });
  }
  const waitTimeoutMs = parseDuration(options.waitTimeout, '--wait-timeout');
  const loaded = await ctx.config();
  const saved = planFile === undefined ? undefined : await readSavedPlan(ctx, planFile);
  // A saved plan applies only where it was made, checked before anything else: with no --env it says which.
  if (saved !== undefined) checkBinding(saved.plan, planBindingOf(loaded, ctx.env), saved.file);
  const config = requireEnvironment(loaded);
  const definitions = await loadValidDefinitions(config, ctx.cwd);
  const interactive = planFile === undefined && options.autoApprove !== true;
  // Asked before anything is printed or locked: a run that cannot be approved fails first, and cleanly.
  if (interactive && ctx.io.stdin.isTTY !== true) {
    throw new UsageError('apply needs approval, and there is no terminal to ask in', {
      hint: `Add --auto-approve, or apply a saved plan: ${savedPlanCommands(config)}`,
    });
  }

  // The environment's own token when it has one (CXONE_<ENVIRONMENT>_CALLBACK_TOKEN), else CXONE_CALLBACK_TOKEN.
  const callbackToken = callbackTokenFor(
    ctx.env,
    config.environment.names.length === 0 ? undefined : config.environment.name,
  );
  const viewFor = (stateLocation: string) =>
    applyView(ctx, {
      json: options.json === true,
      interactiveTerminal: ctx.io.stdout.isTTY === true && ctx.env.CI === undefined && ctx.env.TERM !== 'dumb',
      where: whereItApplies(config, stateLocation),
    });
  const request: ApplyRequest = {
    definitions: definitions.definitions,
    targets: options.target,
    replace: options.replace,
    ...(options.scheduleOnly === true ? { scheduleOnly: true } : {}),
    ...(await applyJudge(ctx, config, options, runIdentity(ctx.env, config.rootDir, config.environment.name).actor)),
    ...(saved === undefined ? {} : { saved }),
    ...(interactive
      ? {
          approve: (plan) =>
            askApproval(ctx, plan, config.environment.names.length > 0 ? config.environment.name : undefined),
        }
      : {}),
    concurrency: options.concurrency ?? config.apply.concurrency,
    spacingMs: config.apply.spacingMs,
    maxRequestsPerSecond: config.apply.maxRequestsPerSecond,
    lockTimeoutMs: lockTimeoutMs(options.lockTimeout),
    ...(options.wait === true ? { waitTimeoutMs } : {}),
    lostAfterMs: config.limits.lostAfterMs,
    ...(callbackToken === undefined ? {} : { callbackToken }),
    // One identity for every line this run writes (outside GitHub, its runId is made up once).
    identity: runIdentity(ctx.env, config.rootDir, config.environment.name),
    ...tenantExpectation(config),
    ignorePromotion: options.ignorePromotion === true,
    callbackReach: callbackReachOf(config),
    allowLoopbackCallbacks: options.allowLoopbackCallbacks === true,
  };
  const end = await withPromotionSource(
    config,
    (environment) => ctx.configFor(environment),
    ctx,
    (promotionSource) =>
      withStateStore(ctx, (store) =>
        runApply(
          request,
          {
            store,
            ...(promotionSource === undefined ? {} : { promotionSource }),
            connect: (hooks) =>
              createCxoneClient(config, {
                env: ctx.env,
                clock: ctx.io.clock,
                debug: (line) => ctx.logger.debug(line),
                ...hooks,
              }),
            onInterrupt,
            clock: ctx.io.clock,
          },
          viewFor(store.location),
        ),
      ),
  );
  if (end.interrupted !== undefined) throw new ExitError(exitCodeFor(end.interrupted));
  return end;
}

async function readSavedPlan(ctx: CommandContext, file: string): Promise<{ plan: SavedPlan; file: string }> {
  const text = await fsPromises()
    .readFile(resolve(ctx.cwd, file), 'utf8')
    .catch(() => {
      throw new UsageError(`plan file ${file} cannot be read`, {
        hint: `Make one with: cxone-exports plan --out ${file}`,
      });
    });
  return { plan: parseSavedPlan(text, file), file };
}

/** Saving a plan and applying it, for this environment, with a file name init's .gitignore covers. */
function savedPlanCommands(config: ProjectConfig): string {
  const { name, names } = config.environment;
  const env = names.length === 0 ? '' : `--env ${name!} `;
  const file = `cxone-exports.${names.length === 0 ? '' : `${name!}.`}plan.json`;
  return `cxone-exports ${env}plan --out ${file} && cxone-exports ${env}apply ${file}`;
}

/**
 * The environment's policies as the apply's judge, approvals read from the pull request (or overridden); the
 * evaluator is loaded only when there are policies.
 */
async function applyJudge(
  ctx: CommandContext,
  config: ProjectConfig,
  options: ApplyOptions,
  actor: string,
): Promise<Pick<ApplyRequest, 'judge'>> {
  if ((options.overridePolicy === undefined) !== (options.reason === undefined))
    throw new UsageError('--override-policy and --reason go together', {
      hint: 'Name the approval rule and say why: --override-policy NAME --reason "…"; both are written to the audit.',
    });
  const override =
    options.overridePolicy === undefined
      ? undefined
      : { policy: options.overridePolicy, reason: options.reason!, actor };
  checkOverride(override, config.policies);
  const environment = config.environment.name ?? DEFAULT_ENVIRONMENT;
  const judge = await policyJudge(config.policies, environment, pullRequestReviews(ctx.env), override);
  return judge === undefined ? {} : { judge };
}
