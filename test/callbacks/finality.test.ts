// A finished execution is final: whatever arrives for it later (a callback, a replay, a poll) is acknowledged
// and audited as an anomaly, and never changes the state.

import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readAuditLog } from '../../src/audit/audit-log.js';
import { pollCompletions } from '../../src/apply/completion-poller.js';
import { systemClock } from '../../src/clock.js';
import { StateJournal } from '../../src/apply/state-journal.js';
import { LocalFileStore } from '../../src/state/local/local-file-store.js';
import { completion, postCallback, repoWithQueuedExecutions, startReceiver } from '../support/receiver.js';
import { samplePayload, simClient, startSimulator } from '../support/simulator.js';
import { appliedEntry, definition, execution } from '../support/state-builders.js';
import { seedState } from '../support/seed-state.js';

const SECRET = 'whsec-final';
const FINISHED = ['completed', 'failed', 'cancelled'] as const;
const LATER: [string, Record<string, unknown>][] = [
  ['queued', { status: 'queued', rowsExported: null, endTime: null }],
  ['running', { status: 'running', rowsExported: null, endTime: null }],
  ['completed', { status: 'completed' }],
  ['completed without rows', { status: 'completed', rowsExported: null }],
  ['failed', { status: 'failed', rowsExported: null }],
  ['cancelled', { status: 'cancelled', rowsExported: null }],
];
const PAIRS = FINISHED.flatMap((first) => LATER.map(([name, later]) => [first, name, later] as const));

const stateOf = async (dir: string) =>
  (await new LocalFileStore({ stateDir: join(dir, '.cxone-exports') }).read()).state;

describe('a finished execution is final', () => {
  it.each(PAIRS)('after %s, a signed "%s" answers 200 and changes nothing', async (first, _name, later) => {
    const { dir } = await repoWithQueuedExecutions(1);
    const { url } = await startReceiver(dir, { secrets: [SECRET] });
    const firstBody = completion('exe-0', { status: first, ...(first === 'completed' ? {} : { rowsExported: null }) });
    expect((await postCallback(url, firstBody, { secret: SECRET })).body).toMatchObject({ status: 'recorded' });
    const settled = (await stateOf(dir)).exports['export-0']!;
    expect(settled.lastExecution!.completedAt).not.toBeNull();

    const answer = await postCallback(url, completion('exe-0', later), { secret: SECRET });
    expect(answer.status).toBe(200);
    const same = later.status === first;
    expect(answer.body.status).toBe(same ? 'duplicate' : 'ignored');
    expect((await stateOf(dir)).exports['export-0']).toEqual(settled);

    const audit = await readAuditLog(join(dir, '.cxone-exports', 'audit.jsonl'));
    const anomalies = audit.filter((e) => e.event === 'execution.anomaly');
    expect(anomalies).toHaveLength(same ? 0 : 1);
    if (!same)
      expect(anomalies[0]).toMatchObject({
        executionId: 'exe-0',
        status: later.status,
        reason: 'callback',
        anomalies: [`${String(later.status)}-after-${first}`],
      });
    expect(audit.filter((e) => e.event === 'execution.completed' || e.event === 'execution.failed')).toHaveLength(1);
  });

  it('a replay of the same signed request within the signature window is a duplicate', async () => {
    const { dir } = await repoWithQueuedExecutions(1);
    const { url, metrics } = await startReceiver(dir, { secrets: [SECRET] });
    const timestamp = Math.floor(Date.now() / 1000);
    const body = completion('exe-0');
    expect((await postCallback(url, body, { secret: SECRET, timestamp })).body.status).toBe('recorded');
    const settled = await stateOf(dir);
    for (let i = 0; i < 3; i++)
      expect((await postCallback(url, body, { secret: SECRET, timestamp })).body.status).toBe('duplicate');
    expect(await stateOf(dir)).toEqual(settled);
    expect((await metrics.render()).body).toMatch(/cxone_exports_executions_total\{status="completed"\} 1\n/);
  });

  it('a running report after running moves nothing back: queued after running is ignored', async () => {
    const { dir } = await repoWithQueuedExecutions(1);
    const { url } = await startReceiver(dir, { secrets: [SECRET] });
    expect(
      (
        await postCallback(url, completion('exe-0', { status: 'running', rowsExported: null, endTime: null }), {
          secret: SECRET,
        })
      ).body.status,
    ).toBe('recorded');
    expect(
      (
        await postCallback(url, completion('exe-0', { status: 'queued', rowsExported: null, endTime: null }), {
          secret: SECRET,
        })
      ).body,
    ).toEqual({ status: 'ignored', anomalies: ['queued-after-running'] });
    expect((await stateOf(dir)).exports['export-0']!.lastExecution!.status).toBe('running');
  });

  it('polling after a callback recorded the end changes nothing, and notes the disagreement', async () => {
    const sim = await startSimulator();
    const { executions } = simClient(sim);
    const submitted = await executions.submit(samplePayload(), { idempotencyKey: 'key-poll-after-callback' });
    // The callback said failed; CXone's status endpoint will say completed.
    const def = definition('polled');
    const entry = appliedEntry(def, {
      lastExecution: execution('failed', { executionId: submitted.executionId, definitionHash: def.definitionHash }),
    });
    const { dir } = await repoWithQueuedExecutions(0);
    const stateDir = join(dir, '.cxone-exports');
    const store = new LocalFileStore({ stateDir });
    const state = await seedState(store, { polled: entry });
    const journal = new StateJournal(state, store);
    const finished: string[] = [];
    const result = await pollCompletions(
      [{ name: 'polled', dataActionId: 'da-agent-activity', executionId: submitted.executionId }],
      {
        client: executions,
        journal,
        identity: { actor: 'test', runId: 'run-poll', gitSha: undefined, toolVersion: '0.1.0' },
        reporter: { progress: () => undefined, finished: ({ status }) => void finished.push(status) },
        clock: systemClock,
        timeoutMs: 30_000,
        lostAfterMs: 86_400_000,
        initialIntervalMs: 10,
        maxIntervalMs: 20,
      },
    );
    await journal.close();
    expect(result.unsupported).toBeUndefined();
    expect(result.unfinished).toEqual([]);
    expect(finished).toEqual([]);
    expect((await stateOf(dir)).exports.polled).toEqual(entry);
    const audit = await readAuditLog(join(stateDir, 'audit.jsonl'));
    expect(audit.map((e) => [e.event, e.reason, e.anomalies])).toEqual([
      ['execution.anomaly', 'status-poll', ['completed-after-failed']],
    ]);
  });
});
