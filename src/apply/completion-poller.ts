// Polls CXone for the end of submitted executions (for `apply --wait` and `refresh`), because callbacks cannot
// reach a CI runner or a laptop. Each finished execution is recorded in state and audit like a callback would be.

import { stampEvent } from '../audit/audit-event.js';
import type { AuditEvent, RunIdentity } from '../audit/audit-event.js';
import type { LastExecution } from '../state/state-model.js';
import { ApiError, ApiErrorCode } from '../cxone/api-error.js';
import type { ExecutionStatusReport } from '../cxone/executions-client.js';
import {
  anomalyFacts,
  completionFacts,
  decideCompletion,
  recordCompletion,
  withLastExecution,
} from '../state/record-completion.js';
import { IN_FLIGHT_STATUSES } from '../contract/execution-status.js';
import type { Clock } from '../clock.js';
import type { StateJournal } from './state-journal.js';

export interface TrackedExecution {
  name: string;
  dataActionId: string;
  executionId: string;
}

export interface StatusClient {
  getStatus(
    dataActionId: string,
    executionId: string,
    options?: { signal?: AbortSignal },
  ): Promise<ExecutionStatusReport>;
}

/** An execution the poll saw end, as recorded. */
export interface EndedExecution {
  execution: TrackedExecution;
  status: string;
  rowsExported: number | null;
  latencyMs: number | null;
  anomalies: string[];
}

export interface PollReporter {
  progress(execution: TrackedExecution, status: string): void;
  finished(ended: EndedExecution): void;
}

export interface PollOptions {
  client: StatusClient;
  journal: StateJournal;
  identity: RunIdentity;
  reporter: PollReporter;
  clock: Clock;
  /** Stop after this long; what has not finished stays as it is in state. */
  timeoutMs: number;
  /** One pass only (refresh), instead of polling until done. */
  once?: boolean;
  /** How long an execution may answer 404 (from its first 404) before it is recorded lost (`limits.lostAfter`). */
  lostAfterMs: number;
  signal?: AbortSignal;
  initialIntervalMs?: number;
  maxIntervalMs?: number;
}

/** An execution a poll saw end, and how. */
export interface ExecutionEndSeen {
  execution: TrackedExecution;
  status: string;
}

/** The ends otherwise than `completed` (failed, cancelled or lost): a wait that saw one is red. */
export function unsuccessfulEnds(ends: readonly ExecutionEndSeen[]): ExecutionEndSeen[] {
  return ends.filter((end) => end.status !== 'completed');
}

export interface PollResult {
  finished: TrackedExecution[];
  unfinished: TrackedExecution[];
  /** Executions the status lookup answered 404 for, while it knew others: recorded as `lost`. */
  lost: TrackedExecution[];
  /** How each execution seen to end ended (lost included), in the order they ended. */
  ends: ExecutionEndSeen[];
  /** Set when the API has no status lookup: polling stopped. */
  unsupported?: ApiError;
}

export async function pollCompletions(
  executions: readonly TrackedExecution[],
  options: PollOptions,
): Promise<PollResult> {
  const deadline = options.clock.now() + options.timeoutMs;
  let waiting = [...executions];
  const finished: TrackedExecution[] = [];
  const lost: TrackedExecution[] = [];
  const ends: PollResult['ends'] = [];
  // A 404 names one unknown execution only if the lookup works for others; until one answers, it may be the path.
  let lookupWorks = false;
  let interval = options.initialIntervalMs ?? 1_000;
  for (;;) {
    const still: TrackedExecution[] = [];
    const notFound: { execution: TrackedExecution; error: ApiError }[] = [];
    for (const [index, execution] of waiting.entries()) {
      let report: ExecutionStatusReport;
      try {
        report = await options.client.getStatus(
          execution.dataActionId,
          execution.executionId,
          options.signal === undefined ? {} : { signal: options.signal },
        );
      } catch (error) {
        // Ctrl-C aborts the request in flight: stop polling, and report what is still unfinished.
        if (options.signal?.aborted === true)
          return {
            finished,
            lost,
            ends,
            unfinished: [...still, ...notFound.map((n) => n.execution), ...waiting.slice(index)],
          };
        if (error instanceof ApiError && error.code === ApiErrorCode.StatusUnsupported)
          return {
            finished,
            lost,
            ends,
            unfinished: [...still, ...notFound.map((n) => n.execution), ...waiting.slice(index)],
            unsupported: error,
          };
        if (error instanceof ApiError && error.code === ApiErrorCode.ExecutionNotFound) {
          notFound.push({ execution, error });
          continue;
        }
        throw error;
      }
      lookupWorks = true;
      if (IN_FLIGHT_STATUSES.has(report.status)) {
        options.reporter.progress(execution, report.status);
        still.push(execution);
        continue;
      }
      await record(execution, report, options);
      finished.push(execution);
      ends.push({ execution, status: report.status });
    }
    // A 404 may be CXone not knowing an execution yet, or a wrong status path: an execution is lost only once it
    // has answered 404 for longer than lostAfter, counted from its first 404, which the state keeps.
    const missing: TrackedExecution[] = [];
    const answeredAt = options.clock.now();
    for (const { execution, error } of notFound) {
      const since = await markNotFound(execution, answeredAt, options);
      if (since !== undefined && answeredAt - since >= options.lostAfterMs) {
        await recordLost(execution, `${error.message} (answering 404 since ${new Date(since).toISOString()})`, options);
        lost.push(execution);
        ends.push({ execution, status: 'lost' });
      } else missing.push(execution);
    }
    if (missing.length > 0 && !lookupWorks) {
      // Every lookup so far answered 404: the path is more likely wrong than every execution gone.
      const unsupported = new ApiError(
        ApiErrorCode.StatusUnsupported,
        `status lookup answered 404 for every execution asked about (${notFound.length}); the status path may be wrong, or the API has none`,
        {
          status: 404,
          hint: 'Check api.statusPath in the config. Completion also arrives by callback: run `cxone-exports serve` where CXone can reach it.',
        },
      );
      return { finished, lost, ends, unfinished: [...still, ...missing], unsupported };
    }
    waiting = [...still, ...missing];
    if (
      waiting.length === 0 ||
      options.once === true ||
      options.clock.now() >= deadline ||
      options.signal?.aborted === true
    )
      return { finished, unfinished: waiting, lost, ends };
    await options.clock
      .sleep(Math.min(interval, Math.max(0, deadline - options.clock.now())), options.signal)
      .catch(() => undefined);
    interval = Math.min(interval * 2, options.maxIntervalMs ?? 10_000);
  }
}

/** When the execution first answered 404, recorded in its entry the first time (undefined: not its entry). */
async function markNotFound(
  execution: TrackedExecution,
  now: number,
  options: PollOptions,
): Promise<number | undefined> {
  const entry = options.journal.entry(execution.name);
  if (entry?.lastExecution?.executionId !== execution.executionId) return undefined;
  if (entry.lastExecution.notFoundSince !== undefined) return Date.parse(entry.lastExecution.notFoundSince);
  await replaceLastExecution(
    execution,
    { ...entry.lastExecution, notFoundSince: new Date(now).toISOString() },
    undefined,
    options,
  );
  return now;
}

/**
 * Commits the execution's new record, with the event that explains it, if it is still the export's last one
 * and has not ended meanwhile (a receiver beside it may have recorded its end first): then neither is written.
 */
function replaceLastExecution(
  execution: TrackedExecution,
  lastExecution: LastExecution,
  event: AuditEvent | undefined,
  options: PollOptions,
): Promise<void> {
  return options.journal.commit({
    exports: [execution.name],
    mutate: (state) => {
      const current = state.exports[execution.name];
      if (current?.lastExecution?.executionId !== execution.executionId) return [];
      if (!IN_FLIGHT_STATUSES.has(current.lastExecution.status)) return [];
      state.exports[execution.name] = { ...current, lastExecution };
      return event === undefined ? [] : [event];
    },
    events: [],
  });
}

/** CXone no longer knows this execution: it is recorded as `lost`, with why, and the next plan retries it. */
async function recordLost(execution: TrackedExecution, reason: string, options: PollOptions): Promise<void> {
  const entry = options.journal.entry(execution.name);
  if (entry?.lastExecution?.executionId !== execution.executionId) return;
  const nowIso = new Date(options.clock.now()).toISOString();
  const lastExecution = { ...entry.lastExecution, status: 'lost' as const, completedAt: nowIso, error: reason };
  await replaceLastExecution(
    execution,
    lastExecution,
    stampEvent(options.identity, nowIso, {
      event: 'execution.failed',
      export: execution.name,
      executionId: execution.executionId,
      status: 'lost',
      error: reason,
      reason: 'status-poll',
      definitionHash: entry.definitionHash,
    }),
    options,
  );
  options.reporter.finished({ execution, status: 'lost', rowsExported: null, latencyMs: null, anomalies: [] });
}

async function record(execution: TrackedExecution, report: ExecutionStatusReport, options: PollOptions): Promise<void> {
  const entry = options.journal.entry(execution.name);
  if (entry === undefined || entry.lastExecution?.executionId !== execution.executionId) return;
  const nowIso = new Date(options.clock.now()).toISOString();
  // A finished execution is final: a poll that disagrees changes nothing and is noted as an anomaly.
  const decision = decideCompletion(entry.lastExecution, report);
  if (decision.kind === 'duplicate') return;
  if (decision.kind === 'ignore') {
    await options.journal.commit({
      exports: [],
      mutate: () => undefined,
      events: [
        stampEvent(
          options.identity,
          nowIso,
          anomalyFacts(execution.name, entry.lastExecution, report, decision.anomaly, 'status-poll'),
        ),
      ],
    });
    return;
  }
  const outcome = recordCompletion(entry, report, nowIso);
  const last = outcome.lastExecution;
  const event = stampEvent(options.identity, nowIso, completionFacts(execution.name, entry, outcome, 'status-poll'));
  await options.journal.commit({
    exports: [execution.name],
    // Only if nothing replaced or finished this execution meanwhile; its end event only with the change.
    mutate: (state) => {
      const current = state.exports[execution.name];
      if (
        current?.lastExecution?.executionId !== execution.executionId ||
        decideCompletion(current.lastExecution, report).kind !== 'record'
      )
        return [];
      state.exports[execution.name] = withLastExecution(current, last);
      return [event];
    },
    events: [],
  });
  options.reporter.finished({
    execution,
    status: last.status,
    rowsExported: last.rowsExported,
    latencyMs: last.latencyMs,
    anomalies: outcome.anomalies,
  });
}
