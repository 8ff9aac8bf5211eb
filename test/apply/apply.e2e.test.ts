// apply end to end: the built CLI against the simulator on loopback. The simulator's record is the witness of
// what CXone would have seen: payloads, order, spacing, concurrency, and how often each request was sent.

import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { schemaCheck } from '../../src/diagnostics/schema-validator.js';
import type { RecordedRequest } from '../../src/simulator/sim-record.js';
import { applyRepo, command, readAudit, readState } from '../support/apply-repo.js';
import { definitionYaml } from '../support/fixtures.js';
import { startSimulator } from '../support/simulator.js';

const submissions = (requests: RecordedRequest[]) =>
  requests.filter((r) => r.method === 'POST' && r.path.endsWith('/executions'));

describe('apply', () => {
  it('applies, then plans no changes; an edited definition submits exactly one execution', async () => {
    const sim = await startSimulator();
    const dir = applyRepo({ exports: { a: 'da-1', b: 'da-2', c: 'da-3' } });
    const run = command(sim, dir);

    const first = await run(['apply', '--auto-approve']);
    expect(first.code).toBe(0);
    expect(first.stdout).toContain('Apply complete: 3 submitted, 0 failed, 0 skipped.');
    expect((await run(['plan'])).stdout).toBe('No changes. Exports match the state.\n');

    writeFileSync(
      join(dir, 'exports', 'b.yaml'),
      definitionYaml('b', ['maxRows: 4242']).replace('dataActionId: da-1', 'dataActionId: da-2'),
    );
    const second = await run(['apply', '--auto-approve']);
    expect(second.stdout).toContain('Apply complete: 1 submitted, 0 failed, 0 skipped.');
    const posts = submissions(sim.record().requests);
    expect(posts).toHaveLength(4);
    expect(posts[3]!.body).toMatchObject({ dataActionId: 'da-2', export: { maxRows: 4242 } });

    const state = await readState(dir);
    expect(Object.keys(state.exports)).toEqual(['a', 'b', 'c']);
    expect(state.exports.b!.lastExecution).toMatchObject({
      status: 'queued',
      executionId: sim.record().executions[3]!.executionId,
    });
    expect(schemaCheck('state')(state)).toEqual([]);
    for (const event of readAudit(dir)) expect(schemaCheck('audit-event')(event)).toEqual([]);
    expect(readAudit(dir).map((e) => e.event)).toEqual(
      expect.arrayContaining(['execution.intent', 'execution.submitted']),
    );
  });

  it('sends exactly the contract payload', async () => {
    const sim = await startSimulator();
    const dir = applyRepo({ exports: { a: 'da-1' } });
    writeFileSync(
      join(dir, 'exports', 'a.yaml'),
      definitionYaml('a', [
        'delimiter: tab',
        'quoteCharacter: "\'"',
        'escapeCharacter: "\\\\"',
        'maxRows: 77',
        'columnAlignment: false',
        'sanitizeSpecialCharacters: true',
      ]) + '  callbackUrl: https://hooks.example.com/cb\n',
    );
    expect((await command(sim, dir)(['apply', '--auto-approve'])).code).toBe(0);
    const [post] = submissions(sim.record().requests);
    expect(post!.body).toEqual({
      dataActionId: 'da-1',
      datasetId: 'ds-1',
      export: {
        format: 'csv',
        delimiter: '\t',
        quoteCharacter: "'",
        escapeCharacter: '\\',
        maxRows: 77,
        columnAlignment: false,
      },
      callbackUrl: 'https://hooks.example.com/cb',
    });
    expect(post!.headers['idempotency-key']).toBe((await readState(dir)).exports.a!.lastExecution!.idempotencyKey);
  });

  it('keeps one request at a time per data action, within the concurrency limit, even through 429s and 503s', async () => {
    const sim = await startSimulator({
      seed: 7,
      faults: { serverErrors: { rate: 0.15 }, rateLimit: { requestsPerSecond: 12, burst: 2, retryAfter: 'none' } },
    });
    const exportsByName: Record<string, string> = {};
    for (let i = 0; i < 24; i++) exportsByName[`e-${String(i).padStart(2, '0')}`] = `da-${i % 6}`;
    const dir = applyRepo({
      exports: exportsByName,
      config:
        'apply:\n  concurrency: 3\n  spacingMs: 120\n  maxAttempts: 12\n  backoff: { baseMs: 100, capMs: 1000 }\n',
    });
    const result = await command(sim, dir)(['apply', '--auto-approve']);
    expect(result.stdout).toContain('Apply complete: 24 submitted, 0 failed, 0 skipped.');
    const posts = submissions(sim.record().requests);
    expect(posts.some((r) => r.status === 503)).toBe(true);
    expect(posts.some((r) => r.status === 429)).toBe(true);

    const byAction = new Map<string, RecordedRequest[]>();
    for (const post of posts) byAction.set(post.dataActionId!, [...(byAction.get(post.dataActionId!) ?? []), post]);
    for (const requests of byAction.values()) {
      for (let i = 1; i < requests.length; i++) {
        // No overlap between requests to one data action, retries included: a request is received only after the
        // one before it was answered. (The spacing itself is a matter of time, checked on a clock the test drives
        // in src/apply/request-gate.test.ts: measured here, where the simulator's receipt of one request can be
        // late under load, it would be a guess.)
        expect(requests[i]!.receivedAt).toBeGreaterThanOrEqual(requests[i - 1]!.respondedAt!);
      }
    }
    // At most 3 data actions in flight at once.
    const events = posts
      .flatMap((r) => [
        { at: r.receivedAt, delta: 1 },
        { at: r.respondedAt!, delta: -1 },
      ])
      .sort((x, y) => x.at - y.at || x.delta - y.delta);
    let inFlight = 0;
    let peak = 0;
    for (const e of events) peak = Math.max(peak, (inFlight += e.delta));
    expect(peak).toBeLessThanOrEqual(3);
    // Every export ended with exactly one execution.
    expect(new Set(sim.record().executions.map((e) => e.idempotencyKey)).size).toBe(24);
    expect(sim.record().executions).toHaveLength(24);
  });

  it('sends a 403 and a 400 once each, carries on with the others, and exits 1 with a summary table', async () => {
    const sim = await startSimulator({ forbiddenDataActions: ['da-locked'], unknownDatasets: ['ds-retired'] });
    const dir = applyRepo({ exports: { good: 'da-1', locked: 'da-locked', bad: 'da-2' } });
    // A payload only the server can refuse: the dataset is not active in Data Prep.
    writeFileSync(
      join(dir, 'exports', 'bad.yaml'),
      definitionYaml('bad')
        .replace('dataActionId: da-1', 'dataActionId: da-2')
        .replace('datasetId: ds-1', 'datasetId: ds-retired'),
    );
    const result = await command(sim, dir)(['apply', '--auto-approve']);
    expect(result.code).toBe(1);
    expect(result.stdout).toContain('Apply complete: 1 submitted, 2 failed, 0 skipped.');
    expect(result.stdout).toMatch(/locked\s+the API client may not submit an execution for data action "da-locked"/);
    const posts = submissions(sim.record().requests);
    expect(posts.filter((r) => r.dataActionId === 'da-locked')).toHaveLength(1);
    expect(posts.filter((r) => r.dataActionId === 'da-2')).toHaveLength(1);
    const state = await readState(dir);
    expect(state.exports.locked!.lastExecution).toMatchObject({ status: 'submit-failed', executionId: null });
    expect((await command(sim, dir)(['plan', '--json'])).stdout).toContain('"reason": "last-execution-failed"');
    // A reviewer sees why the retry is planned, and so that the same 403 is coming again.
    const plan = (await command(sim, dir)(['plan', '--markdown'])).stdout;
    expect(plan).toMatch(
      /\| <code>locked<\/code> \| retry \| last execution was refused at 20\d\d-[^:]+:[^|]*: the API client may not submit an execution for data action "da-locked"/,
    );
  });

  it('refuses to run unapproved without a terminal, and never hangs', async () => {
    const sim = await startSimulator();
    const dir = applyRepo({ exports: { a: 'da-1' } });
    const result = await command(sim, dir)(['apply']);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('apply needs approval, and there is no terminal to ask in');
    expect(result.stderr).toContain('Add --auto-approve, or apply a saved plan');
    expect(sim.record().requests).toHaveLength(0);
  });

  it('applies a fresh saved plan and refuses a stale one, naming what moved', async () => {
    const sim = await startSimulator();
    const dir = applyRepo({ exports: { a: 'da-1', b: 'da-2' } });
    const run = command(sim, dir);
    await run(['plan', '--out', 'plan.json']);
    const applied = await run(['apply', 'plan.json']);
    expect(applied.stdout).toContain('Apply complete: 2 submitted');
    const stale = await run(['apply', 'plan.json']);
    expect(stale.code).toBe(1);
    expect(stale.stderr).toContain(
      'the saved plan plan.json is stale, so it is not applied:\n  - the plan was made when there was no state, and a state now exists',
    );
    expect(submissions(sim.record().requests)).toHaveLength(2);
  });

  it('with --json, prints one event per line and nothing else', async () => {
    const sim = await startSimulator({ faults: { serverErrors: { first: 1 } } });
    const dir = applyRepo({ exports: { a: 'da-1' } });
    const result = await command(sim, dir)(['apply', '--auto-approve', '--json']);
    const events = result.stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { type: string });
    expect(events.map((e) => e.type)).toEqual([
      'apply_start',
      'submit_start',
      'retry',
      'submit_start',
      'submitted',
      'change_summary',
    ]);
    // The summary has one shape, whether anything was done or not.
    const again = await command(sim, dir)(['apply', '--auto-approve', '--json']);
    const summaries = [events.at(-1), JSON.parse(again.stdout.trim())] as Record<string, unknown>[];
    for (const summary of summaries) {
      expect(summary).toMatchObject({
        type: 'change_summary',
        serial_before: expect.any(Number) as number,
        serial_after: expect.any(Number) as number,
      });
      expect(summary).not.toHaveProperty('serial');
    }
  });

  it('exits 1 when an execution it waited for ends failed, and names it', async () => {
    const sim = await startSimulator({
      lifecycle: { minDurationMs: 50, msPerMillionRows: 0, failureRate: 0, failingDataActions: ['da-2'] },
    });
    const dir = applyRepo({ exports: { a: 'da-1', b: 'da-2' } });
    const result = await command(sim, dir)(['apply', '--auto-approve', '--wait']);
    expect(result.code).toBe(1);
    expect(result.stdout).toContain('Apply complete: 2 submitted, 0 failed, 0 skipped.');
    expect(result.stdout).toMatch(/1 execution waited for did not complete \(b failed\)/);
    const state = await readState(dir);
    expect(state.exports.a!.lastExecution!.status).toBe('completed');
    expect(state.exports.b!.lastExecution!.status).toBe('failed');
    // The same with --json: the summary event names it, and the exit code is the same.
    const again = await command(sim, dir)(['apply', '--auto-approve', '--wait', '--json']);
    expect(again.code).toBe(1);
    const summary = again.stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as Record<string, unknown>)
      .find((e) => e.type === 'change_summary');
    expect(summary).toMatchObject({ unsuccessful: [{ export: 'b', status: 'failed' }] });
  });

  it('waits for completion with --wait, recording rows and latency', async () => {
    const sim = await startSimulator({ lifecycle: { minDurationMs: 200, msPerMillionRows: 0, failureRate: 0 } });
    const dir = applyRepo({ exports: { a: 'da-1' } });
    const result = await command(sim, dir)(['apply', '--auto-approve', '--wait']);
    expect(result.code).toBe(0);
    const last = (await readState(dir)).exports.a!.lastExecution!;
    expect(last.status).toBe('completed');
    expect(last.rowsExported).toBe(sim.record().executions[0]!.rowsExported);
    // CXone's times (and the simulator's) are whole seconds: the latency is their difference, to the second.
    const simulated = sim.record().executions[0]!;
    expect(last.latencyMs).toBe(Date.parse(simulated.endTime!) - Date.parse(simulated.startTime!));
    expect(last.latencyMs! % 1000).toBe(0);
    const completed = readAudit(dir).find((e) => e.event === 'execution.completed')!;
    expect(completed).toMatchObject({
      executionId: last.executionId,
      status: 'completed',
      rowsExported: last.rowsExported,
      latencyMs: last.latencyMs,
      formatValidated: true,
      sanitizationApplied: true,
    });
  });
});
