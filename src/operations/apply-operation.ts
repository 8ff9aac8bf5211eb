// The apply operation, in the manner of Terraform's backend apply: review (without the lock), lock, fold in a
// crashed run's log, plan again (or refuse a stale saved plan), submit within CXone's limits, poll when asked,
// and stop gracefully on Ctrl-C. It prints nothing and reads no environment: it talks to a view, and the
// command builds its request.

import { setMaxListeners } from 'node:events';
import { applyPlan, SubmissionHooks } from '../apply/apply-plan.js';
import type { ApplyReporter, ExportResult } from '../apply/apply-plan.js';
import { pollCompletions, unsuccessfulEnds } from '../apply/completion-poller.js';
import type { ExecutionEndSeen, PollReporter, PollResult } from '../apply/completion-poller.js';
import { RequestGate } from '../apply/request-gate.js';
import { StateJournal } from '../apply/state-journal.js';
import { stampEvent } from '../audit/audit-event.js';
import type { AuditEvent, RunIdentity } from '../audit/audit-event.js';
import type { Clock } from '../clock.js';
import type { CxoneClient } from '../cxone/create-client.js';
import type { ExecutionsClientOptions } from '../cxone/executions-client.js';
import type { ExportDefinition } from '../definitions/export-definition.js';
import { CliError, ExitError, ExternalError, UsageError } from '../errors.js';
import { describeSystemError } from '../files/system-error.js';
import { blocksApply, deniedByPolicy, recordsLocally, SUBMITTING_ACTIONS, submissions } from '../plan/plan-model.js';
import type { Plan, PlannedChange } from '../plan/plan-model.js';
import { planDifference } from '../plan/plan-difference.js';
import { savedPlanDifferences, staleReasons } from '../plan/saved-plan.js';
import type { SavedPlan } from '../plan/saved-plan.js';
import type { StateSnapshot, StateStore } from '../state/state-store.js';
import type { InterruptSignal, OnInterrupt } from './on-interrupt.js';
import { openAuditLog, readForWriting, takeLock } from './state-access.js';
import { planAt, readPromotion } from './plan-operation.js';
import type { PlanSelection, PromotionSource } from './plan-operation.js';
import { refuseUnsafeCallbacks } from './callback-refusals.js';
import type { CallbackChoices } from './callback-refusals.js';
import { checkTenant } from './tenant-guard.js';
import type { TenantExpectation } from './tenant-guard.js';
import type { StateAccessView } from './state-access.js';

/** In-flight requests get this long after the first Ctrl-C before they are aborted. */
export const GRACE_MS = 10_000;

export interface ApplyRequest extends CallbackChoices {
  definitions: readonly ExportDefinition[];
  targets: readonly string[];
  replace: readonly string[];
  /** A plan saved by `plan --out`, applied exactly as it is, or refused when stale. */
  saved?: { plan: SavedPlan; file: string };
  /**
   * Asks a person to approve the plan, which is shown and approved without the lock (callbacks are recorded
   * meanwhile); throws when declined. Absent with --auto-approve and for a saved plan.
   */
  approve?: (plan: Plan) => Promise<void>;
  concurrency: number;
  spacingMs: number;
  maxRequestsPerSecond: number | undefined;
  lockTimeoutMs: number;
  /** Poll the submitted executions until they finish or this long has passed (`--wait`). */
  waitTimeoutMs?: number;
  /** How long an execution may answer 404 before it is recorded lost (`limits.lostAfter`). */
  lostAfterMs: number;
  /** Appended to callback URLs as ?token=; never stored. */
  callbackToken?: string;
  identity: RunIdentity;
  /** The tenant the environment's credentials must belong to (the tenant guard). */
  tenant?: TenantExpectation;
  /** --ignore-promotion: apply past the promotion gate, and say so in the audit. */
  ignorePromotion: boolean;
  /** --schedule-only: send only the due runs of definitions already applied; every other change waits. */
  scheduleOnly?: boolean;
  /**
   * The environment's policies over a plan, approvals settled (absent without policies): a deny, or an approval
   * nobody gave, stops the apply before it sends.
   */
  judge?: (plan: Plan) => Promise<Plan>;
}

/** The progress display: one task per export, and the polling that follows. */
export interface ApplyProgress extends ApplyReporter, PollReporter {
  /** Starts showing the given changes. */
  start(changes: readonly PlannedChange[]): void;
  /** Waits until the display has caught up with every result. */
  finish(): Promise<void>;
  /** Closes every task that has no result yet (the run stopped early), so `finish` never waits on them. */
  abandon(reason: string): void;
}

export interface ApplyReport {
  results: ExportResult[];
  serialBefore: number;
  serialAfter: number;
  /** With --wait: the executions that ended otherwise than `completed` (failed, cancelled, lost). */
  unsuccessful: ExecutionEndSeen[];
}

export interface ApplyView extends StateAccessView {
  readonly progress: ApplyProgress;
  /** The plan submits nothing and changes nothing locally. */
  nothingToDo(plan: Plan): void;
  /** The plan about to be reviewed or applied; `savedFile` when it is a saved plan (reviewed when it was made). */
  planned(plan: Plan, savedFile?: string): void;
  /** The first Ctrl-C: nothing new starts; requests in flight get `graceMs`. */
  interrupted(signal: InterruptSignal, graceMs: number): void;
  waiting(executions: number, timeoutMs: number): void;
  /** How `--wait` ended, when it did not see every execution finish. */
  waitEnded(result: PollResult, interrupted: boolean): void;
  finished(report: ApplyReport): void;
}

export interface ApplyEnvironment {
  store: StateStore;
  /** The CXone client, made only when something is submitted; every attempt goes through `hooks`. */
  connect(hooks: Pick<ExecutionsClientOptions, 'beforeAttempt' | 'onRetry'>): CxoneClient;
  onInterrupt: OnInterrupt;
  clock: Clock;
  /** The environment this one is promoted from, when it is. */
  promotionSource?: PromotionSource;
}

/** How the run ended, for the exit code. Errors (a stale plan, a failed write) are thrown instead. */
export interface ApplyEnd {
  /** Exports whose submission failed. */
  failed: number;
  /** With --wait: the executions that ended otherwise than `completed`; any makes the run fail. */
  unsuccessful: ExecutionEndSeen[];
  /** With --wait: how each execution seen to end ended. */
  ends: PollResult['ends'];
  /** What the run did with each change it carried out. */
  results: ExportResult[];
  /** Changes the promotion gate held back. */
  blocked: number;
  /** Set when Ctrl-C or SIGTERM stopped the run. */
  interrupted?: InterruptSignal;
}

export async function runApply(request: ApplyRequest, env: ApplyEnvironment, view: ApplyView): Promise<ApplyEnd> {
  const { store } = env;
  // Refused before anything is shown, locked or sent.
  await refuseUnsafeCallbacks(request.definitions, request);
  const promotion = await readPromotion(env.promotionSource, request.ignorePromotion);
  const planFor = (snapshot: StateSnapshot, selection: PlanSelection = request): Plan =>
    planAt(request.definitions, snapshot.state, selection, env.clock, promotion);
  const judged = (plan: Plan): Promise<Plan> => request.judge?.(plan) ?? Promise.resolve(plan);
  // Policies first, on the state as it is, before anything is locked: a deny sends nothing and holds nothing.
  if (request.judge !== undefined && request.approve === undefined) {
    const preview = await judged(planFor(await store.read(), request.saved?.plan.options ?? request));
    refuseDenied(preview, view);
  }

  let reviewed: Plan | undefined;
  if (request.approve !== undefined) {
    reviewed = await judged(planFor(await store.read()));
    refuseDenied(reviewed, view);
    if (nothingToDo(reviewed)) {
      view.nothingToDo(reviewed);
      return { failed: 0, unsuccessful: [], ends: [], results: [], blocked: reviewed.summary.blocked ?? 0 };
    }
    view.planned(reviewed);
    await request.approve(reviewed);
  }

  const lock = await takeLock(store, 'apply', request.lockTimeoutMs, view, env.clock);
  // Registered at once, so a Ctrl-C while planning still releases the lock.
  const stop = new AbortController();
  const abort = new AbortController();
  // Every request in flight listens on these (and removes its listener when done): up to the concurrency,
  // which may exceed Node's default warning threshold of 10.
  setMaxListeners(0, stop.signal, abort.signal);
  let interrupted: InterruptSignal | undefined;
  const removeHandler = env.onInterrupt((signal) => {
    interrupted = signal;
    view.interrupted(signal, GRACE_MS);
    stop.abort(new Error('interrupted'));
    setTimeout(() => abort.abort(new Error('interrupted')), GRACE_MS).unref();
  });
  try {
    const snapshot = await readForWriting(store);
    // The state may have moved since the first look: judged again under the lock, before anything is sent.
    const plan = await judged(planUnderLock(request, snapshot, reviewed, planFor));
    refuseDenied(plan, view);
    if (reviewed === undefined) {
      if (nothingToDo(plan)) {
        view.nothingToDo(plan);
        return { failed: 0, unsuccessful: [], ends: [], results: [], blocked: plan.summary.blocked ?? 0 };
      }
      view.planned(plan, request.saved?.file);
    }
    if (interrupted !== undefined)
      return { failed: 0, unsuccessful: [], ends: [], results: [], blocked: 0, interrupted };

    await openAuditLog(store, view);
    const journal = new StateJournal(snapshot.state, store, { fence: lock.fence });
    const serialBefore = snapshot.state.serial;
    // Every policy hit the apply goes ahead with is on the record: warned, approved by whom, or overridden and why.
    const decisions = policyDecisions(plan, request.identity, new Date(env.clock.now()).toISOString());
    if (decisions.length > 0) await journal.commit({ exports: [], mutate: () => undefined, events: decisions });
    const gate = new RequestGate(
      { spacingMs: request.spacingMs, maxRequestsPerSecond: request.maxRequestsPerSecond },
      env.clock,
    );
    // Waiting for a slot is not yet started: the first Ctrl-C ends the wait, and the attempt never leaves.
    const hooks = new SubmissionHooks(gate, view.progress, stop.signal);
    const needsApi = plan.changes.some((c) => SUBMITTING_ACTIONS.includes(c.action));
    const client = needsApi ? env.connect({ beforeAttempt: hooks.beforeAttempt, onRetry: hooks.onRetry }) : undefined;
    let results: ExportResult[] = [];
    let unsuccessful: ExecutionEndSeen[] = [];
    let ends: PollResult['ends'] = [];
    let failure: unknown;
    try {
      // One token up front: bad credentials, or another tenant's, fail the run before anything is written.
      if (client !== undefined) checkTenant(await client.tokens.getToken(), request.tenant);
      view.progress.start(plan.changes.filter((c) => SUBMITTING_ACTIONS.includes(c.action)));
      const outcome = await applyPlan(plan, new Map(request.definitions.map((d) => [d.name, d])), {
        client: client?.executions ?? { submit: () => Promise.reject(new Error('no client')) },
        journal,
        hooks,
        identity: request.identity,
        reporter: view.progress,
        concurrency: request.concurrency,
        callbackToken: request.callbackToken,
        stopSignal: stop.signal,
        abortSignal: abort.signal,
        clock: env.clock,
      });
      results = outcome.results;
      failure = outcome.failure;
      await view.progress.finish();
      const submitted = results.filter((r) => r.outcome === 'submitted' && r.executionId !== undefined);
      const waitTimeoutMs = request.waitTimeoutMs;
      const waitFor = failure === undefined && interrupted === undefined && client !== undefined;
      if (waitFor && waitTimeoutMs !== undefined && submitted.length > 0) {
        view.waiting(submitted.length, waitTimeoutMs);
        const polled = await pollCompletions(
          submitted.map((r) => ({ name: r.name, dataActionId: r.dataActionId, executionId: r.executionId! })),
          {
            client: client.executions,
            journal,
            identity: request.identity,
            reporter: view.progress,
            clock: env.clock,
            timeoutMs: waitTimeoutMs,
            lostAfterMs: request.lostAfterMs,
            signal: stop.signal,
          },
        );
        unsuccessful = unsuccessfulEnds(polled.ends);
        ends = polled.ends;
        view.waitEnded(polled, interrupted !== undefined);
      }
    } catch (error) {
      failure ??= error;
    } finally {
      // Every path ends the display: tasks the run never reached are closed, so nothing waits on them.
      view.progress.abandon('not attempted');
      await view.progress.finish();
      // A run whose writes failed must not look like it persisted: the fold's error is the run's error.
      await journal.close().catch((error: unknown) => (failure ??= error));
    }
    if (failure !== undefined && results.length === 0) throw asRunFailure(failure);
    view.finished({ results, serialBefore, serialAfter: journal.serial, unsuccessful });
    if (failure !== undefined) throw asRunFailure(failure);
    return {
      failed: results.filter((r) => r.outcome === 'failed').length,
      unsuccessful,
      ends,
      results,
      blocked: plan.summary.blocked ?? 0,
      ...(interrupted ? { interrupted } : {}),
    };
  } finally {
    removeHandler();
    await lock.release();
  }
}

/** The audit lines of the hits an apply goes ahead with (a deny, or a missing approval, stopped it before). */
function policyDecisions(plan: Plan, identity: RunIdentity, timestamp: string): AuditEvent[] {
  const acted = (plan.policyHits ?? []).filter((hit) => !blocksApply(hit));
  return acted.map((hit) =>
    stampEvent(identity, timestamp, {
      event: 'policy.decision',
      export: hit.export,
      policy: hit.policy,
      level: hit.level,
      ...(hit.level === 'warn'
        ? { decision: 'warned' as const }
        : hit.approval?.overriddenBy !== undefined
          ? {
              decision: 'overridden' as const,
              approver: hit.approval.overriddenBy.actor,
              reason: hit.approval.overriddenBy.reason,
            }
          : { decision: 'approved' as const, approver: hit.approval!.approvedBy! }),
    }),
  );
}

/** Stops the apply on a deny: the plan and its hits are shown, and nothing is sent. */
function refuseDenied(plan: Plan, view: ApplyView): void {
  if (!deniedByPolicy(plan)) return;
  view.planned(plan);
  const denied = (plan.policyHits ?? []).filter(blocksApply);
  const approvals = denied.filter((hit) => hit.level === 'approval');
  throw new UsageError(
    `policy denies ${denied.length === 1 ? 'a change' : `${denied.length} changes`} (${denied.map((hit) => `${hit.policy} on ${hit.export}${hit.level === 'approval' ? `: needs an approval by ${hit.approval!.approvers.join(' or ')}${hit.approval?.missing === undefined ? '' : `, and ${hit.approval.missing}`}` : ''}`).join('; ')}), so nothing was sent`,
    {
      hint:
        approvals.length > 0
          ? `Have a listed approver approve the pull request, or let one approval rule through with: cxone-exports apply --override-policy ${approvals[0]!.policy} --reason "…" (audited). A deny rule has no override.`
          : 'Change the definitions so the rule no longer matches them, or change the rule in a reviewed pull request. A deny rule has no override.',
    },
  );
}

/** True when the plan submits nothing and changes nothing locally. */
function nothingToDo(plan: Plan): boolean {
  const localOnly = plan.changes.filter(recordsLocally).length;
  return submissions(plan.summary) + localOnly === 0;
}

/** The plan to carry out, made or checked under the lock against the state as it is now. */
function planUnderLock(
  request: ApplyRequest,
  snapshot: StateSnapshot,
  reviewed: Plan | undefined,
  planFor: (snapshot: StateSnapshot, selection?: { targets: readonly string[]; replace: readonly string[] }) => Plan,
): Plan {
  if (reviewed !== undefined) {
    // What moved meanwhile (a callback recorded, another run) matters only if it changes what is submitted.
    const plan = planFor(snapshot);
    const moved = planDifference(reviewed, plan);
    if (snapshot.state.lineage !== reviewed.lineage || moved !== undefined) {
      const what =
        snapshot.state.lineage !== reviewed.lineage
          ? 'the state was replaced by one of another lineage'
          : `the state moved on (serial ${reviewed.serial} → ${snapshot.state.serial}) and the plan changed: ${moved}`;
      throw new UsageError(`${what} while the plan was being reviewed, so nothing was submitted`, {
        hint: 'Run apply again: it plans against the new state and asks again.',
      });
    }
    return plan;
  }
  if (request.saved !== undefined) {
    const { plan, file } = request.saved;
    // The plan the state gives now, with the saved plan's own --target and --replace.
    const current = planFor(snapshot, plan.options);
    const reasons = staleReasons(plan, { snapshot, definitions: request.definitions, plan: current });
    if (reasons.length > 0) {
      throw new UsageError(
        `the saved plan ${file} is stale, so it is not applied:\n${reasons.map((r) => `  - ${r}`).join('\n')}`,
        { hint: `Make a new plan and review it: cxone-exports plan --out ${file}` },
      );
    }
    // Whatever the serial: the file is a review token, and what is carried out is the plan computed here.
    const differences = savedPlanDifferences(plan, current);
    if (differences.length > 0) {
      throw new UsageError(
        `the saved plan ${file} is not the plan computed now from the state and the definitions, so it is not applied and nothing was sent:\n${differences.map((d) => `  - ${d}`).join('\n')}`,
        { hint: `Make a new plan and review it: cxone-exports plan --out ${file}` },
      );
    }
    return current;
  }
  return planFor(snapshot);
}

/**
 * The error a stopped run ends with. A write the machine refused (a full disk) says so; whatever the state holds
 * is whole, and an export left pending is resubmitted with the same Idempotency-Key by the next apply.
 */
function asRunFailure(error: unknown): unknown {
  if (error instanceof CliError || error instanceof ExitError) return error;
  const system = describeSystemError(error);
  if (system === undefined) return error;
  return new ExternalError(`the run could not record its progress: ${system.message}`, {
    hint: `${system.hint}\nNothing more was submitted after the failed write. Run \`cxone-exports plan\` once the cause is fixed: an export whose outcome was not recorded is resubmitted with the same Idempotency-Key, so CXone does not run it twice.`,
  });
}
