// The callback receiver against hostile and repeated input, over a real state on disk.

import { existsSync, readFileSync } from 'node:fs';
import { request } from 'node:http';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { readAuditLog } from '../../src/audit/audit-log.js';
import { schemaCheck } from '../../src/diagnostics/schema-validator.js';
import { LocalFileStore } from '../../src/state/local/local-file-store.js';
import { completion, PATH, postCallback, repoWithQueuedExecutions, startReceiver } from '../support/receiver.js';

const SECRET = 'whsec-current';
/** Everything the state is made of on disk: the snapshot and the log of patches after it. */
const stateText = (dir: string) =>
  readFileSync(join(dir, '.cxone-exports', 'state.json'), 'utf8') +
  (existsSync(join(dir, '.cxone-exports', 'state.wal'))
    ? readFileSync(join(dir, '.cxone-exports', 'state.wal'), 'utf8')
    : '');
const readState = async (dir: string) =>
  (await new LocalFileStore({ stateDir: join(dir, '.cxone-exports') }).read()).state;

describe('authentication', () => {
  it.each([
    ['unsigned', {}],
    ['signed with a wrong secret', { secret: 'whsec-wrong' }],
    ['signed 10 minutes ago', { secret: SECRET, timestamp: Math.floor(Date.now() / 1000) - 600 }],
    ['with a wrong token', { query: '?token=nope' }],
  ])('answers 401 to a callback %s, changes nothing, and audits the refusal', async (_name, options) => {
    const { dir } = await repoWithQueuedExecutions(1);
    const before = stateText(dir);
    const { url, metrics } = await startReceiver(dir, { secrets: [SECRET], token: 'tok-123' });
    const answer = await postCallback(url, completion('exe-0'), options);
    expect(answer).toEqual({ status: 401, body: { error: 'unauthorized' } });
    expect(stateText(dir)).toBe(before);
    const audit = await readAuditLog(join(dir, '.cxone-exports', 'audit.jsonl'));
    expect(audit.map((e) => e.event)).toEqual(['callback.rejected']);
    expect((await metrics.render()).body).toMatch(/cxone_exports_callbacks_rejected_total\{reason="[a-z-]+"\} 1/);
  });

  it('accepts a signature by a rotated-in secret, and the shared token', async () => {
    const { dir } = await repoWithQueuedExecutions(2);
    const { url } = await startReceiver(dir, { secrets: ['whsec-new', 'whsec-old'], token: 'tok-123' });
    expect((await postCallback(url, completion('exe-0'), { secret: 'whsec-old' })).status).toBe(200);
    expect((await postCallback(url, completion('exe-1'), { query: '?token=tok-123' })).status).toBe(200);
  });
});

describe('hostile input', () => {
  it('answers 413 to a 10 MB body, quickly, without reading it', async () => {
    const { dir } = await repoWithQueuedExecutions(1);
    const { url } = await startReceiver(dir, { secrets: [SECRET] });
    const started = Date.now();
    const status = await new Promise<number>((resolve, reject) => {
      const req = request(
        `${url}${PATH}`,
        { method: 'POST', headers: { 'Content-Type': 'application/json', 'Content-Length': 10 * 1024 * 1024 } },
        (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        },
      );
      // The server stops reading and closes: the rest of the upload fails, as it should.
      req.on('error', (error: NodeJS.ErrnoException) =>
        ['EPIPE', 'ECONNRESET'].includes(error.code ?? '') ? undefined : reject(error),
      );
      const chunk = Buffer.alloc(64 * 1024, 'x');
      let sent = 0;
      const pump = () => {
        while (sent < 160 && req.write(chunk)) sent++;
        if (sent < 160) req.once('drain', pump);
        else req.end();
      };
      pump();
    });
    expect(status).toBe(413);
    expect(Date.now() - started).toBeLessThan(2000);
  });

  it('answers 415, 400, 404 and 405 where they belong', async () => {
    const { dir } = await repoWithQueuedExecutions(1);
    const { url } = await startReceiver(dir, { secrets: [SECRET] });
    expect(
      (await fetch(`${url}${PATH}`, { method: 'POST', headers: { 'Content-Type': 'text/plain' }, body: 'hi' })).status,
    ).toBe(415);
    expect((await postCallback(url, null, { secret: SECRET, raw: '{"executionId": ' })).status).toBe(400);
    const bad = await postCallback(url, completion('exe-0', { rowsExported: -1, status: 'done' }), { secret: SECRET });
    expect(bad.status).toBe(400);
    expect(String(bad.body.error)).toContain('status must be one of');
    expect((await fetch(`${url}/elsewhere`)).status).toBe(404);
    expect((await fetch(`${url}${PATH}`)).status).toBe(405);
    expect((await fetch(`${url}/healthz`)).status).toBe(200);
  });

  it('never answers 500 or changes state for fuzzed bodies', async () => {
    const { dir } = await repoWithQueuedExecutions(1);
    const before = stateText(dir);
    const { url } = await startReceiver(dir, { secrets: [SECRET] });
    const body = fc.oneof(
      fc.json(),
      fc.string(),
      fc.record(
        {
          // Never exe-0, the one execution the state knows: no fuzzed body is a valid completion, so every one
          // must leave the state as it was (a valid completion is recording's subject, below).
          executionId: fc.oneof(
            fc.string().filter((id) => id !== 'exe-0'),
            fc.integer(),
            fc.constant('exe-unknown'),
          ),
          status: fc.oneof(fc.string(), fc.constantFrom('completed', 'failed')),
          rowsExported: fc.oneof(fc.integer(), fc.double(), fc.string()),
          startTime: fc.string(),
          endTime: fc.string(),
        },
        { requiredKeys: [] },
      ),
    );
    await fc.assert(
      fc.asyncProperty(body, fc.boolean(), async (value, signed) => {
        const raw = typeof value === 'string' ? value : JSON.stringify(value);
        const answer = await postCallback(url, null, { raw, ...(signed ? { secret: SECRET } : {}) });
        expect(answer.status).not.toBe(500);
        expect([200, 400, 401, 404]).toContain(answer.status);
      }),
      { numRuns: 150 },
    );
    expect(stateText(dir)).toBe(before);
  });
});

describe('recording', () => {
  it('records status, rows and latency, with the seed fields in the audit line', async () => {
    const { dir } = await repoWithQueuedExecutions(1);
    const { url } = await startReceiver(dir, { secrets: [SECRET] });
    expect(await postCallback(url, completion('exe-0'), { secret: SECRET })).toEqual({
      status: 200,
      body: { status: 'recorded' },
    });
    expect((await readState(dir)).exports['export-0']!.lastExecution).toMatchObject({
      status: 'completed',
      rowsExported: 500,
      latencyMs: 250_000,
      completedAt: '2026-11-27T10:04:10.000Z',
    });
    const [event] = await readAuditLog(join(dir, '.cxone-exports', 'audit.jsonl'));
    expect(event).toMatchObject({
      event: 'execution.completed',
      executionId: 'exe-0',
      status: 'completed',
      rowsExported: 500,
      latencyMs: 250_000,
      formatValidated: true,
      sanitizationApplied: true,
      reason: 'callback',
    });
    expect(schemaCheck('audit-event')(event)).toEqual([]);
  });

  it('answers 404 to an unknown execution, with an audit line', async () => {
    const { dir } = await repoWithQueuedExecutions(1);
    const { url } = await startReceiver(dir, { secrets: [SECRET] });
    expect((await postCallback(url, completion('exe-404'), { secret: SECRET })).status).toBe(404);
    expect((await readAuditLog(join(dir, '.cxone-exports', 'audit.jsonl')))[0]).toMatchObject({
      event: 'callback.rejected',
      executionId: 'exe-404',
      reason: 'unknown-execution',
    });
  });

  it('flags rows above maxRows and an end before its start, instead of accepting them as normal', async () => {
    const { dir } = await repoWithQueuedExecutions(2);
    const { url } = await startReceiver(dir, { secrets: [SECRET] });
    expect((await postCallback(url, completion('exe-0', { rowsExported: 5000 }), { secret: SECRET })).body).toEqual({
      status: 'recorded',
      anomalies: ['rows-exceed-max-rows'],
    });
    expect(
      (await postCallback(url, completion('exe-1', { endTime: '2026-11-27T09:00:00Z' }), { secret: SECRET })).body,
    ).toEqual({ status: 'recorded', anomalies: ['ended-before-submission', 'end-before-start'] });
    const audit = await readAuditLog(join(dir, '.cxone-exports', 'audit.jsonl'));
    expect(audit.map((e) => e.anomalies)).toEqual([
      ['rows-exceed-max-rows'],
      ['ended-before-submission', 'end-before-start'],
    ]);
  });

  it('counts a callback delivered 5 times at once as one state change and one completion', async () => {
    const { dir, state } = await repoWithQueuedExecutions(1);
    const { url, metrics } = await startReceiver(dir, { secrets: [SECRET] });
    const answers = await Promise.all(
      Array.from({ length: 5 }, () => postCallback(url, completion('exe-0'), { secret: SECRET })),
    );
    expect(answers.map((a) => a.status)).toEqual([200, 200, 200, 200, 200]);
    expect(answers.filter((a) => a.body.status === 'recorded')).toHaveLength(1);
    expect(
      (await readAuditLog(join(dir, '.cxone-exports', 'audit.jsonl'))).filter((e) => e.event === 'execution.completed'),
    ).toHaveLength(1);
    expect((await metrics.render()).body).toContain('cxone_exports_executions_total{status="completed"} 1');
    expect((await readState(dir)).serial).toBe(state.serial + 1);
  });

  it('exposes metrics that match the events: completion rate, latency histogram, rows', async () => {
    const { dir } = await repoWithQueuedExecutions(4);
    const { url } = await startReceiver(dir, { secrets: [SECRET] });
    await postCallback(url, completion('exe-0', { rowsExported: 10, endTime: '2026-11-27T10:00:03Z' }), {
      secret: SECRET,
    });
    await postCallback(url, completion('exe-1', { rowsExported: 20, endTime: '2026-11-27T10:00:40Z' }), {
      secret: SECRET,
    });
    await postCallback(url, completion('exe-2', { rowsExported: 30, endTime: '2026-11-27T10:10:00Z' }), {
      secret: SECRET,
    });
    await postCallback(
      url,
      completion('exe-3', { status: 'failed', rowsExported: 0, endTime: '2026-11-27T10:00:01Z' }),
      { secret: SECRET },
    );
    const response = await fetch(`${url}/metrics`);
    expect(response.headers.get('content-type')).toContain('text/plain');
    const text = await response.text();
    expect(text).toContain('cxone_exports_completion_rate 0.75');
    expect(text).toContain('cxone_exports_rows_exported_total 60');
    expect(text).toContain('cxone_exports_execution_latency_seconds_bucket{le="5"} 2');
    expect(text).toContain('cxone_exports_execution_latency_seconds_bucket{le="60"} 3');
    expect(text).toContain('cxone_exports_execution_latency_seconds_count 4');
    expect(text).toMatch(
      /cxone_exports_http_request_duration_seconds_count\{method="POST",route="callback",status="200"\} 4/,
    );
  });
});
