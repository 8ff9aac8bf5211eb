// The executor: carries out a plan against CXone. Per export it writes an intent (state + audit, durable),
// then POSTs, then records the result, so a crash at any point leaves a state that tells the truth. Exports on
// one data action go strictly one at a time; different data actions run concurrently up to a limit.

import { InternalError } from '../errors.js';
import type { Clock } from '../clock.js';
import { stampEvent } from '../audit/audit-event.js';
import type { AuditEvent, EventFacts, RunIdentity } from '../audit/audit-event.js';
import { buildExecutionPayload } from '../contract/execution-payload.js';
import type { ExecutionPayload } from '../contract/execution-payload.js';
import type { ExportDefinition } from '../definitions/export-definition.js';
import type { RetryEvent } from '../cxone/retry-policy.js';
import type { ExecutionStatusReport, SubmittedExecution } from '../cxone/executions-client.js';
import { completionFacts, recordCompletion, withLastExecution } from '../state/record-completion.js';
import { ApiErrorCode } from '../cxone/api-error.js';
import type { PlannedChange, Plan } from '../plan/plan-model.js';
import { recordsLocally, SUBMITTING_ACTIONS } from '../plan/plan-model.js';
import { CXONE_STATUSES, IN_FLIGHT_STATUSES } from '../contract/execution-status.js';
import type { ExecutionStatus, ExportState } from '../state/state-model.js';
import type { RequestGate } from './request-gate.js';
import type { StateJournal } from './state-journal.js';
import { leavesOutcomeUnknown, submissionOutcome } from './submission-outcome.js';
import type { SubmissionOutcome } from './submission-outcome.js';
import { appliedVersion, coverage, recordFailure, recordHold, refreshMetadata } from './applied-entries.js';
import { crypto } from '../on-first-use.js';

export interface ApplyReporter {
  waiting(change: PlannedChange): void;
  submitting(change: PlannedChange, attempt: number): void;
  retrying(change: PlannedChange, attempt: number, delayMs: number, reason: string): void;
  submitted(change: PlannedChange, executionId: string): void;
  failed(change: PlannedChange, reason: string, outcome: SubmissionOutcome): void;
  skipped(change: PlannedChange, reason: string): void;
  recorded(change: PlannedChange): void;
}

export interface SubmissionClient {
  submit(
    payload: ExecutionPayload,
    options: { idempotencyKey: string; signal?: AbortSignal },
  ): Promise<SubmittedExecution>;
  /** Where CXone has a status lookup: a resubmission asks where the execution it got back stands. */
  getStatus?(
    dataActionId: string,
    executionId: string,
    options?: { signal?: AbortSignal },
  ): Promise<ExecutionStatusReport>;
}

export interface ApplyDependencies {
  client: SubmissionClient;
  journal: StateJournal;
  hooks: SubmissionHooks;
  identity: RunIdentity;
  reporter: ApplyReporter;
  concurrency: number;
  /** Appended to callback URLs as ?token= when set (CXONE_CALLBACK_TOKEN); never stored. */
  callbackToken?: string | undefined;
  /** Aborted on the first Ctrl-C: nothing new starts. */
  stopSignal: AbortSignal;
  /** Aborted when in-flight requests must end too. */
  abortSignal: AbortSignal;
  clock: Clock;
  newKey?: () => string;
}

export interface ExportResult {
  name: string;
  action: PlannedChange['action'];
  outcome: 'submitted' | 'failed' | 'skipped' | 'forgotten' | 'recorded';
  executionId?: string;
  dataActionId: string;
  reason?: string;
}

/**
 * Connects the client's per-attempt hooks to the scheduler: every attempt waits at the gate, and the executor
 * learns how many attempts of the current export left the process and how many may have reached CXone.
 */
export class SubmissionHooks {
  private readonly current = new Map<string, { change: PlannedChange; sent: number; uncertain: number }>();

  constructor(
    private readonly gate: RequestGate,
    private readonly reporter: ApplyReporter,
    private readonly signal?: AbortSignal,
  ) {}

  begin(change: PlannedChange): void {
    this.current.set(change.dataActionId, { change, sent: 0, uncertain: 0 });
  }

  end(dataActionId: string): { sent: number; uncertain: number } {
    const tracked = this.current.get(dataActionId);
    this.current.delete(dataActionId);
    return { sent: tracked?.sent ?? 0, uncertain: tracked?.uncertain ?? 0 };
  }

  readonly beforeAttempt = async (dataActionId: string): Promise<void> => {
    const tracked = this.current.get(dataActionId);
    await this.gate.acquire(dataActionId, this.signal);
    if (tracked === undefined) return;
    tracked.sent++;
    this.reporter.submitting(tracked.change, tracked.sent);
  };

  readonly onRetry = (event: RetryEvent & { dataActionId: string }): void => {
    // The tenant's quota is shared: one 429 pauses every request, not only this one.
    if (event.error.code === ApiErrorCode.RateLimited) this.gate.throttle(event.delayMs);
    const tracked = this.current.get(event.dataActionId);
    if (tracked === undefined) return;
    if (leavesOutcomeUnknown(event.error)) tracked.uncertain++;
    this.reporter.retrying(
      tracked.change,
      event.attempt + 1,
      event.delayMs,
      event.error.status === undefined ? event.error.code : `${event.error.status} ${event.error.code}`,
    );
  };
}

export interface ApplyOutcome {
  results: ExportResult[];
  /**
   * Why the run stopped early (a state write failed, so nothing more may be submitted), or undefined. The
   * exports it did not reach are in `results` as skipped.
   */
  failure: unknown;
}

export async function applyPlan(
  plan: Plan,
  definitions: ReadonlyMap<string, ExportDefinition>,
  deps: ApplyDependencies,
): Promise<ApplyOutcome> {
  const now = () => new Date(deps.clock.now());
  const newKey = deps.newKey ?? (() => crypto().randomUUID());
  const results: ExportResult[] = [];
  const event = (facts: EventFacts): AuditEvent => stampEvent(deps.identity, now().toISOString(), facts);
  let failure: unknown;

  // Changes with no API call are recorded first, together.
  const local = plan.changes.filter(recordsLocally);
  if (local.length > 0) {
    const recorded = deps.journal.commit({
      exports: local.map((change) => change.name),
      mutate: (state) => {
        for (const change of local) {
          if (change.action === 'forget') delete state.exports[change.name];
          else if (change.reason === 'metadata-changed') refreshMetadata(state, change, definitions.get(change.name)!);
          if (change.recordsHold !== undefined) recordHold(state, change, change.recordsHold);
        }
      },
      events: local.flatMap((change) => [
        ...(change.action === 'forget' || change.reason === 'metadata-changed'
          ? [
              event({
                event: change.action === 'forget' ? 'state.forget' : 'state.refresh',
                export: change.name,
                definitionHash: change.definitionHash,
                reason: change.reason,
              }),
            ]
          : []),
        // A due tick that does not run (CronJob's Forbid, or a missed deadline) is said once, in the audit.
        ...(change.recordsHold === undefined
          ? []
          : [
              event({
                event: 'schedule.held',
                export: change.name,
                definitionHash: change.definitionHash,
                reason: change.recordsHold,
                tick: change.schedule!.tick!,
              }),
            ]),
      ]),
    });
    failure = await recorded.then(
      () => undefined,
      (error: unknown) => error,
    );
    if (failure !== undefined) return { results, failure };
    for (const change of local) {
      deps.reporter.recorded(change);
      results.push({
        name: change.name,
        action: change.action,
        outcome: change.action === 'forget' ? 'forgotten' : 'recorded',
        dataActionId: change.dataActionId,
      });
    }
  }

  const submitting = plan.changes.filter((c) => SUBMITTING_ACTIONS.includes(c.action));
  const byDataAction = new Map<string, PlannedChange[]>();
  for (const change of submitting) {
    deps.reporter.waiting(change);
    byDataAction.set(change.dataActionId, [...(byDataAction.get(change.dataActionId) ?? []), change]);
  }
  const chains = [...byDataAction.values()];
  const worker = async () => {
    for (let chain = chains.shift(); chain !== undefined; chain = chains.shift()) {
      for (const change of chain) {
        if (failure !== undefined) {
          // A state write failed: nothing more is submitted, since its intent could not be recorded first.
          deps.reporter.skipped(change, 'not attempted: the run stopped because the state could not be written');
          results.push({
            name: change.name,
            action: change.action,
            dataActionId: change.dataActionId,
            outcome: 'skipped',
            reason: 'run stopped',
          });
          continue;
        }
        try {
          results.push(await submitOne(change, definitions.get(change.name)));
        } catch (error) {
          failure ??= error;
          const reason = `could not be recorded: ${error instanceof Error ? error.message : String(error)}`;
          deps.reporter.failed(change, reason, 'unknown');
          results.push({
            name: change.name,
            action: change.action,
            dataActionId: change.dataActionId,
            outcome: 'failed',
            reason,
          });
        }
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(deps.concurrency, chains.length)) }, worker));
  await deps.journal.drain().catch((error: unknown) => (failure ??= error));
  return { results, failure };

  /** Where an execution stands now, if CXone can say; undefined when it cannot (no lookup, an error). */
  async function currentStatus(change: PlannedChange, executionId: string): Promise<ExecutionStatusReport | undefined> {
    if (deps.client.getStatus === undefined) return undefined;
    try {
      return await deps.client.getStatus(change.dataActionId, executionId, { signal: deps.abortSignal });
    } catch {
      return undefined;
    }
  }

  async function submitOne(change: PlannedChange, definition: ExportDefinition | undefined): Promise<ExportResult> {
    if (definition === undefined)
      throw new InternalError(`the plan names export ${change.name}, which no loaded definition holds`);
    const base = { name: change.name, action: change.action, dataActionId: change.dataActionId };
    if (deps.stopSignal.aborted) {
      deps.reporter.skipped(change, 'interrupted before it started; it stays planned');
      return { ...base, outcome: 'skipped', reason: 'interrupted' };
    }
    // A resubmission repeats its attempt's key; a scheduled run's key is derived from its tick, so appliers racing
    // for the same tick make one execution. Everything else is a fresh attempt.
    const key =
      (change.action === 'resubmit' || change.action === 'run') && change.idempotencyKey !== undefined
        ? change.idempotencyKey
        : newKey();
    const startedAt = now().toISOString();
    const payload = payloadFor(definition, deps.callbackToken);
    const seedFields = {
      // What is sent, for the reviewer's question (which executions exported this dataset); never the callback.
      dataActionId: payload.dataActionId,
      datasetId: payload.datasetId,
      format: payload.export,
      formatValidated: true,
      sanitizationApplied: definition.spec.format.sanitizeSpecialCharacters,
      definitionHash: definition.definitionHash,
      idempotencyKey: key,
      ...(change.schedule?.tick == null ? {} : { tick: change.schedule.tick }),
    };
    // What the intent replaces, so an attempt that never left the process can be undone exactly.
    let before: { existed: boolean; pending: ExportState['pending'] } = { existed: false, pending: null };
    // A resubmission is the same attempt again: it keeps the time the attempt first started, as CXone does.
    let submittedAt = startedAt;
    await deps.journal.commit({
      exports: [change.name],
      mutate: (state) => {
        const existing = state.exports[change.name];
        before = { existed: existing !== undefined, pending: existing?.pending ?? null };
        if (existing?.pending?.idempotencyKey === key) submittedAt = existing.pending.startedAt;
        const pending = { idempotencyKey: key, definitionHash: definition.definitionHash, startedAt: submittedAt };
        state.exports[change.name] = { ...(existing ?? appliedVersion(definition, null)), pending };
      },
      events: [
        event({
          event: 'execution.intent',
          export: change.name,
          status: 'pending',
          ...seedFields,
          // Submitted past the promotion gate on purpose: the audit keeps who chose to. A scheduled run says so.
          ...(change.promotionIgnored === true ? { reason: 'promotion-ignored' } : {}),
          ...(change.action === 'run' ? { reason: change.reason } : {}),
        }),
      ],
    });

    deps.hooks.begin(change);
    try {
      const response = await deps.client.submit(payload, {
        idempotencyKey: key,
        signal: deps.abortSignal,
      });
      deps.hooks.end(change.dataActionId);
      const status = (CXONE_STATUSES.includes(response.status) ? response.status : 'queued') as ExecutionStatus;
      // CXone answers a repeated key with the execution it made the first time, as it was then: it may have
      // ended since (its callback refused or lost while the first run's lock stood). Asked now, its end is
      // recorded with the submission, so it does not sit queued.
      const since = change.action === 'resubmit' ? await currentStatus(change, response.executionId) : undefined;
      await deps.journal.commit({
        exports: [change.name],
        mutate: (state) => {
          const submitted = appliedVersion(
            definition,
            {
              executionId: response.executionId,
              status,
              idempotencyKey: key,
              definitionHash: definition.definitionHash,
              submittedAt,
              completedAt: null,
              rowsExported: null,
              latencyMs: null,
              error: null,
              ...coverage(change),
            },
            state.exports[change.name],
          );
          state.exports[change.name] = submitted;
          if (since === undefined || IN_FLIGHT_STATUSES.has(since.status)) return [];
          const ended = recordCompletion(submitted, since, now().toISOString());
          state.exports[change.name] = withLastExecution(submitted, ended.lastExecution);
          return [event(completionFacts(change.name, submitted, ended, 'status-poll'))];
        },
        events: [
          event({
            event: 'execution.submitted',
            export: change.name,
            executionId: response.executionId,
            status,
            ...seedFields,
          }),
        ],
      });
      deps.reporter.submitted(change, response.executionId);
      return { ...base, outcome: 'submitted', executionId: response.executionId };
    } catch (error) {
      const attempts = deps.hooks.end(change.dataActionId);
      const outcome = submissionOutcome(error, attempts.sent, attempts.uncertain);
      const interrupted = outcome === 'not-sent' && deps.stopSignal.aborted;
      const message = interrupted
        ? 'interrupted while it waited for its turn; its intent was withdrawn, and it stays planned'
        : error instanceof Error
          ? error.message
          : String(error);
      await deps.journal.commit({
        exports: [change.name],
        mutate: (state) =>
          recordFailure(state, change.name, definition, outcome, {
            key,
            startedAt,
            message,
            before,
            ...coverage(change),
          }),
        events: [
          event({
            event: 'execution.failed',
            export: change.name,
            executionId: null,
            status: outcome === 'refused' ? 'submit-failed' : outcome,
            error: message,
            reason: interrupted ? 'interrupted' : outcome,
            ...seedFields,
          }),
        ],
      });
      // Ctrl-C starts nothing new: an export still waiting for its slot never left, and is not a failure.
      if (interrupted) {
        deps.reporter.skipped(change, message);
        return { ...base, outcome: 'skipped', reason: 'interrupted' };
      }
      deps.reporter.failed(change, message, outcome);
      return { ...base, outcome: 'failed', reason: message };
    }
  }
}

function payloadFor(definition: ExportDefinition, callbackToken: string | undefined): ExecutionPayload {
  let callbackUrl = definition.spec.callbackUrl;
  if (callbackUrl !== undefined && callbackToken !== undefined && callbackToken !== '') {
    const url = new URL(callbackUrl);
    url.searchParams.set('token', callbackToken);
    callbackUrl = url.toString();
  }
  return buildExecutionPayload(definition.spec, callbackUrl);
}
