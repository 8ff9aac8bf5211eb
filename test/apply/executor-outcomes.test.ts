// The executor's outcome rules, against the in-memory backend and the real client talking to the simulator on
// loopback: what the state and the audit say after an export is submitted, refused, never sent, or left with an
// unknown outcome, and that a failed state write stops every later submission.

import { systemClock } from '../../src/clock.js';
import { describe, expect, it } from 'vitest';
import { applyPlan, SubmissionHooks } from '../../src/apply/apply-plan.js';
import type { ApplyReporter, ExportResult } from '../../src/apply/apply-plan.js';
import { RequestGate } from '../../src/apply/request-gate.js';
import { StateJournal } from '../../src/apply/state-journal.js';
import { checkDefinitionFiles } from '../../src/definitions/check-definitions.js';
import type { ExportDefinition } from '../../src/definitions/export-definition.js';
import { planChanges } from '../../src/plan/plan-changes.js';
import type { CxoneSimulator } from '../../src/simulator/cxone-simulator.js';
import { MemoryStore } from '../../src/state/memory-store.js';
import type { StateCommit } from '../../src/state/state-store.js';
import { definitionYaml, testConfig } from '../support/fixtures.js';
import { simClient, startSimulator } from '../support/simulator.js';

const identity = { actor: 'test', runId: 'run-1', gitSha: undefined, toolVersion: '0.1.0' };

/** Checked definitions, each on its own data action (`da-<name>`). */
function definitions(...names: string[]): ExportDefinition[] {
  const files = names.map((name) => ({
    file: `exports/${name}.yaml`,
    text: definitionYaml(name).replace('dataActionId: da-1', `dataActionId: da-${name}`),
  }));
  const checked = checkDefinitionFiles(files, testConfig());
  expect(checked.diagnostics).toEqual([]);
  return checked.definitions;
}

const silent: ApplyReporter = {
  waiting: () => undefined,
  submitting: () => undefined,
  retrying: () => undefined,
  submitted: () => undefined,
  failed: () => undefined,
  skipped: () => undefined,
  recorded: () => undefined,
};

interface Run {
  results: Map<string, ExportResult>;
  failure: unknown;
  store: MemoryStore;
}

/** Plans `defs` against what `store` holds and applies the plan with the real client. */
async function apply(
  sim: CxoneSimulator,
  defs: ExportDefinition[],
  options: { store?: MemoryStore; abortFirst?: boolean; concurrency?: number } = {},
): Promise<Run> {
  const store = options.store ?? new MemoryStore();
  const { state } = await store.read();
  const plan = planChanges(defs, state, { createdAt: new Date().toISOString(), targets: [], replace: [] });
  const journal = new StateJournal(state, store);
  // As apply wires them: every attempt waits at the gate, which an abort releases.
  const abort = new AbortController();
  if (options.abortFirst === true) abort.abort(new Error('interrupted'));
  const gate = new RequestGate({ spacingMs: 0, maxRequestsPerSecond: undefined }, systemClock);
  const hooks = new SubmissionHooks(gate, silent, abort.signal);
  const client = simClient(sim, {}, { beforeAttempt: hooks.beforeAttempt, onRetry: hooks.onRetry });
  const outcome = await applyPlan(plan, new Map(defs.map((d) => [d.name, d])), {
    client: client.executions,
    journal,
    hooks,
    identity,
    reporter: silent,
    concurrency: options.concurrency ?? 1,
    stopSignal: new AbortController().signal,
    abortSignal: abort.signal,
    clock: systemClock,
  });
  await journal.drain();
  return { results: new Map(outcome.results.map((r) => [r.name, r])), failure: outcome.failure, store };
}

/** The audit trail of one export: its events' kinds and reasons, in order. */
function trail(store: MemoryStore, name: string): string[] {
  return store.events
    .filter((e) => e.export === name)
    .map((e) => (e.reason === undefined ? e.event : `${e.event}:${String(e.reason)}`));
}

describe('the apply executor', () => {
  it('submitted: the intent, then the execution, with the same key CXone saw', async () => {
    const sim = await startSimulator();
    const { results, store } = await apply(sim, definitions('a'));
    expect(results.get('a')).toMatchObject({ outcome: 'submitted' });
    const entry = (await store.read()).state.exports.a!;
    expect(entry.pending).toBeNull();
    const [created] = sim.record().executions;
    expect(entry.lastExecution).toMatchObject({
      executionId: created!.executionId,
      idempotencyKey: created!.idempotencyKey,
      status: 'queued',
    });
    expect(trail(store, 'a')).toEqual(['execution.intent', 'execution.submitted']);
  });

  it('refused: CXone said no (403), so the export is recorded as submit-failed and nothing stays pending', async () => {
    const sim = await startSimulator({ forbiddenDataActions: ['da-a'] });
    const { results, store } = await apply(sim, definitions('a', 'b'));
    expect(results.get('a')).toMatchObject({ outcome: 'failed' });
    expect(results.get('b')).toMatchObject({ outcome: 'submitted' });
    const entry = (await store.read()).state.exports.a!;
    expect(entry.pending).toBeNull();
    expect(entry.lastExecution).toMatchObject({ executionId: null, status: 'submit-failed' });
    expect(entry.lastExecution!.error).toMatch(/403|forbidden|may not execute/i);
    expect(trail(store, 'a')).toEqual(['execution.intent', 'execution.failed:refused']);
    // The next plan tries again, with a new key: CXone made nothing.
    const next = planChanges(definitions('a', 'b'), (await store.read()).state, {
      createdAt: 'now',
      targets: [],
      replace: [],
    });
    expect(next.changes.find((c) => c.name === 'a')).toMatchObject({
      action: 'retry',
      reason: 'last-execution-failed',
    });
    expect(next.changes.find((c) => c.name === 'a')!.idempotencyKey).toBeUndefined();
  });

  it('never sent: the intent of a new export is undone, so it stays exactly as planned', async () => {
    const sim = await startSimulator();
    const { results, store } = await apply(sim, definitions('a'), { abortFirst: true });
    expect(results.get('a')).toMatchObject({ outcome: 'failed' });
    expect(sim.record().executions).toEqual([]);
    expect((await store.read()).state.exports.a).toBeUndefined();
    expect(trail(store, 'a')).toEqual(['execution.intent', 'execution.failed:not-sent']);
  });

  it('never sent: an export already in the state keeps its entry and its earlier intent', async () => {
    const sim = await startSimulator({ faults: { serverErrors: { first: 10 } } });
    // A first run whose outcome stayed unknown leaves an intent with its key.
    const first = await apply(sim, definitions('a'));
    const pending = (await first.store.read()).state.exports.a!.pending;
    expect(pending).not.toBeNull();
    const second = await apply(sim, definitions('a'), { store: first.store, abortFirst: true });
    expect(second.results.get('a')).toMatchObject({ outcome: 'failed' });
    expect((await first.store.read()).state.exports.a!.pending).toEqual(pending);
  });

  it('unknown: after 5xx answers CXone may have made it, so the intent stays and the next plan resubmits with the same key', async () => {
    const sim = await startSimulator({ faults: { serverErrors: { first: 10 } } });
    const { results, store } = await apply(sim, definitions('a'));
    expect(results.get('a')).toMatchObject({ outcome: 'failed' });
    const entry = (await store.read()).state.exports.a!;
    expect(entry.pending).not.toBeNull();
    expect(trail(store, 'a')).toEqual(['execution.intent', 'execution.failed:unknown']);
    const next = planChanges(definitions('a'), (await store.read()).state, {
      createdAt: 'now',
      targets: [],
      replace: [],
    });
    expect(next.changes[0]).toMatchObject({ action: 'resubmit', idempotencyKey: entry.pending!.idempotencyKey });

    sim.setFaults({});
    const again = await apply(sim, definitions('a'), { store });
    expect(again.results.get('a')).toMatchObject({ outcome: 'submitted' });
    const keys = sim.record().requests.filter((r) => r.method === 'POST' && r.path.includes('/executions'));
    expect(new Set(keys.map((r) => r.headers['idempotency-key'])).size).toBe(1);
  });

  it('a state write that fails stops the run: nothing is submitted without its intent stored first', async () => {
    const sim = await startSimulator();
    /** The in-memory backend, refusing writes after the first commit as a full disk would. */
    class FillingStore extends MemoryStore {
      private commits = 0;
      override async commit(change: StateCommit, expectedSerial: number): Promise<number> {
        if (++this.commits > 2) throw Object.assign(new Error('no space left on device'), { code: 'ENOSPC' });
        return super.commit(change, expectedSerial);
      }
    }
    const store = new FillingStore();
    const { results, failure } = await apply(sim, definitions('a', 'b', 'c'), { store });
    expect(failure).toMatchObject({ code: 'ENOSPC' });
    // a: intent and result stored; b: its intent could not be stored, so it was never sent; c: not attempted.
    expect(results.get('a')).toMatchObject({ outcome: 'submitted' });
    expect(results.get('b')).toMatchObject({ outcome: 'failed' });
    expect(results.get('c')).toMatchObject({ outcome: 'skipped' });
    const submittedSets = sim.record().executions.map((e) => e.dataActionId);
    expect(submittedSets).toEqual(['da-a']);
    expect((await store.read()).state.exports.c).toBeUndefined();
  });
});
