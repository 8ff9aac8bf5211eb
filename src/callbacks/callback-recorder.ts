// Records completion callbacks in state and audit, by group commit: events that arrive together share one
// short lock, one audit fsync and one state patch. Each caller hears back only when its own event is durable.
// The lock is held per batch (or a flood's batches, up to half a second), never for the receiver's lifetime, so
// apply can run beside it.

import type { Clock } from '../clock.js';
import { stampEvent } from '../audit/audit-event.js';
import type { AuditEvent, EventFacts, RunIdentity } from '../audit/audit-event.js';
import {
  anomalyFacts,
  completionFacts,
  decideCompletion,
  recordCompletion,
  withLastExecution,
} from '../state/record-completion.js';
import type { CompletionReport } from '../state/record-completion.js';
import type { ExportState, State } from '../state/state-model.js';
import { GroupCommit } from '../state/group-commit.js';
import { FINISHED_STATUSES } from '../contract/execution-status.js';
import { lockState } from '../state/lock-state.js';
import { StateConflictError } from '../state/state-errors.js';
import { commitsConcurrently, compactsState } from '../state/state-store.js';
import type { StateLock, StateStore } from '../state/state-store.js';
import type { ReceiverMetrics } from './receiver-metrics.js';

/** How often a batch is decided again when other writers keep changing its entries first. */
const MAX_CONFLICT_ATTEMPTS = 5;
/** The longest the receiver keeps the state lock over consecutive batches of a flood. */
const LOCK_HOLD_MS = 500;

export type RecordOutcome =
  | { kind: 'recorded'; exportName: string; anomalies: string[] }
  | { kind: 'duplicate'; exportName: string }
  /** Not allowed to change the execution (it had finished, or was further along); noted in the audit. */
  | { kind: 'ignored'; exportName: string; anomalies: string[] }
  | { kind: 'unknown' }
  /** Not in the state yet while another run (an apply, recording its submissions) holds the lock: ask again. */
  | { kind: 'pending' };

/** Why the receiver cannot record right now, while it lasts (cleared by the next batch that is recorded). */
export interface RecordingFailure {
  since: string;
  message: string;
}

export interface CallbackRecorderOptions {
  store: StateStore;
  identity: RunIdentity;
  metrics: ReceiverMetrics;
  /** How long a batch waits for the state lock (apply may hold it). */
  lockTimeoutMs: number;
  /** Fold the state log into state.json after this many patches. */
  compactEvery?: number;
  clock: Clock;
  /** Told (once per failed batch) why a batch could not be recorded. */
  onFailure?: (error: unknown) => void;
}

export class CallbackRecorder {
  private readonly commits: GroupCommit<CompletionReport, RecordOutcome>;
  private patchesSinceCompaction = 0;
  /** The state as of this receiver's last batch, with executionId -> export name; reloaded only when it moved. */
  private view: { state: State; byExecution: Map<string, string> } | undefined;
  /** Group commits made so far. */
  writes = 0;
  private failing: RecordingFailure | undefined;
  /** The state lock, kept from one batch to the next while callbacks keep coming (see commit). */
  private held: { lock: StateLock; since: number } | undefined;

  constructor(private readonly options: CallbackRecorderOptions) {
    // Whatever a failed batch half-did in memory is forgotten: the next batch reads the stored state again.
    this.commits = new GroupCommit(
      (reports) => this.commit(reports),
      (error) => {
        this.view = undefined;
        this.failing ??= {
          since: new Date(this.options.clock.now()).toISOString(),
          message: error instanceof Error ? error.message : String(error),
        };
        this.options.metrics.recordFailures.inc();
        this.options.onFailure?.(error);
      },
    );
  }

  /** Undefined while batches are recorded; otherwise why they are not, since when. */
  get failure(): RecordingFailure | undefined {
    return this.failing;
  }

  /**
   * Reads the state and indexes its executions before the first callback arrives, so that one does not wait for
   * a state of thousands of entries to be read. The first batch still reads it again if it changed meanwhile,
   * and a state that cannot be read now (the database not up yet) is the first batch's to read and report.
   */
  async prepare(): Promise<void> {
    await this.currentView().catch(() => undefined);
  }

  record(report: CompletionReport): Promise<RecordOutcome> {
    return this.commits.submit(report);
  }

  /** Waits for every queued event, then folds the state log into state.json. */
  async close(): Promise<void> {
    await this.commits.drain();
    await this.release();
    if (this.patchesSinceCompaction > 0) await this.compact();
  }

  private async commit(reports: CompletionReport[]): Promise<RecordOutcome[]> {
    const { store } = this.options;
    // A backend that compares and swaps per entry records beside apply and other receivers, without the lock.
    if (commitsConcurrently(store)) return this.commitRetrying(reports);
    this.held ??= {
      lock: await lockState(store, 'serve', { timeoutMs: this.options.lockTimeoutMs, clock: this.options.clock }),
      since: this.nowMs(),
    };
    let failed = true;
    try {
      const outcomes = await this.commitOnce(reports);
      failed = false;
      return outcomes;
    } finally {
      // In a flood the next batch is already waiting: it goes under the same lock, since taking the lock costs
      // the file backend as much as a third of a batch. Never for longer than LOCK_HOLD_MS, so apply, waiting
      // for the lock, is not kept out; and never past a failure, nor when no batch is waiting.
      if (failed || this.commits.waiting === 0 || this.nowMs() - this.held.since >= LOCK_HOLD_MS) await this.release();
    }
  }

  private nowMs(): number {
    return this.options.clock.now();
  }

  private async release(): Promise<void> {
    const held = this.held;
    this.held = undefined;
    await held?.lock.release();
  }

  /** When another writer changed the same entries first, the batch is decided again on what it wrote. */
  private async commitRetrying(reports: CompletionReport[]): Promise<RecordOutcome[]> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.commitOnce(reports);
      } catch (error) {
        if (!(error instanceof StateConflictError) || attempt >= MAX_CONFLICT_ATTEMPTS) throw error;
        this.view = undefined;
      }
    }
  }

  private async commitOnce(reports: CompletionReport[]): Promise<RecordOutcome[]> {
    const { store, metrics } = this.options;
    const view = await this.currentView();
    const { state, byExecution } = view;
    const changed = new Map<string, ExportState>();
    const events: AuditEvent[] = [];
    const finished: AuditEvent[] = [];
    const nowIso = new Date(this.options.clock.now()).toISOString();
    // An apply submits first and records after: a completion may come in between. Where this receiver does not
    // hold the lock itself, an unknown execution is only unknown once nobody holds the lock.
    const unknown = reports.some((report) => !byExecution.has(report.executionId));
    const recording = unknown && this.held === undefined && (await store.lockHolder()) !== undefined;

    const outcomes = reports.map((report): RecordOutcome => {
      const name = byExecution.get(report.executionId);
      if (name === undefined && recording) return { kind: 'pending' };
      // Audited by the receiver, bounded like every refusal (rejection-audit.ts).
      if (name === undefined) return { kind: 'unknown' };
      const entry = changed.get(name) ?? state.exports[name]!;
      const last = entry.lastExecution!;
      const decision = decideCompletion(last, report);
      if (decision.kind === 'duplicate') return { kind: 'duplicate', exportName: name };
      if (decision.kind === 'ignore') {
        events.push(this.event(anomalyFacts(name, last, report, decision.anomaly, 'callback')));
        return { kind: 'ignored', exportName: name, anomalies: [decision.anomaly] };
      }
      const outcome = recordCompletion(entry, report, nowIso);
      changed.set(name, withLastExecution(entry, outcome.lastExecution));
      if (FINISHED_STATUSES.has(outcome.lastExecution.status)) {
        const end = this.event(completionFacts(name, entry, outcome, 'callback'));
        events.push(end);
        finished.push(end);
      }
      return { kind: 'recorded', exportName: name, anomalies: outcome.anomalies };
    });

    // The batch's audit lines and entries as one commit (events first, for the file store).
    const expected = state.serial;
    // Under the lock where this backend needs it, the commit checks the lock is still held.
    const guard = this.held === undefined ? undefined : { fence: this.held.lock.fence };
    const serial = await store.commit(
      { lineage: state.lineage, set: Object.fromEntries(changed), remove: [], events },
      expected,
      guard,
    );
    if (serial === expected + (changed.size > 0 ? 1 : 0)) {
      state.serial = serial;
      for (const [name, entry] of changed) state.exports[name] = entry;
    } else {
      // Others committed in between (receivers beside this one, apply): the next batch reads the state again.
      this.view = undefined;
    }
    if (changed.size > 0) {
      this.writes++;
      metrics.stateWrites.inc();
      this.patchesSinceCompaction++;
    }
    for (const end of finished) metrics.recordExecution(end);
    if (this.patchesSinceCompaction >= (this.options.compactEvery ?? 500)) await this.compactLocked();
    this.failing = undefined;
    return outcomes;
  }

  private async currentView(): Promise<{ state: State; byExecution: Map<string, string> }> {
    const moved =
      this.view === undefined
        ? await this.options.store.read()
        : await this.options.store.readIfChanged(this.view.state.serial, this.view.state.lineage);
    if (moved !== undefined) {
      const byExecution = new Map<string, string>();
      for (const [name, entry] of Object.entries(moved.state.exports))
        if (entry.lastExecution?.executionId != null) byExecution.set(entry.lastExecution.executionId, name);
      this.view = { state: moved.state, byExecution };
    }
    return this.view!;
  }

  private async compact(): Promise<void> {
    if (!compactsState(this.options.store)) return;
    const lock = await lockState(this.options.store, 'serve', {
      timeoutMs: this.options.lockTimeoutMs,
      clock: this.options.clock,
    });
    try {
      await this.compactLocked();
    } finally {
      await lock.release();
    }
  }

  private async compactLocked(): Promise<void> {
    const { store } = this.options;
    if (compactsState(store)) await store.compact();
    this.patchesSinceCompaction = 0;
  }

  private event(facts: EventFacts): AuditEvent {
    return stampEvent(this.options.identity, new Date(this.options.clock.now()).toISOString(), facts);
  }
}
