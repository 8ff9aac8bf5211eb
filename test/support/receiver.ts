// An in-process callback receiver over a temporary state, and signed requests to it.

import { systemClock } from '../../src/clock.js';
import type { Clock } from '../../src/clock.js';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { onTestFinished } from 'vitest';
import { stampEvent } from '../../src/audit/audit-event.js';
import { CallbackRecorder } from '../../src/callbacks/callback-recorder.js';
import { createCallbackServer } from '../../src/callbacks/callback-receiver.js';
import { ReceiverMetrics } from '../../src/callbacks/receiver-metrics.js';
import { RejectionAudit } from '../../src/callbacks/rejection-audit.js';
import { signCallback } from '../../src/contract/callback-signature.js';
import { LocalFileStore } from '../../src/state/local/local-file-store.js';
import type { State } from '../../src/state/state-model.js';
import { miniRepo } from './fixtures.js';
import { queuedExports } from './state-builders.js';
import { seedState } from './seed-state.js';

export const PATH = '/webhook/cxone-callback';

/** A repository whose state has `count` exports, each with a queued execution `exe-<i>` (maxRows 1000). */
export async function repoWithQueuedExecutions(count: number): Promise<{ dir: string; state: State }> {
  const dir = miniRepo({});
  const store = new LocalFileStore({ stateDir: join(dir, '.cxone-exports') });
  const exports = queuedExports(count);
  const state = await seedState(store, exports);
  return { dir, state };
}

export async function startReceiver(
  dir: string,
  auth: { secrets?: string[]; token?: string } = {},
  options: { lockTimeoutMs?: number; clock?: Clock } = {},
) {
  const store = new LocalFileStore({ stateDir: join(dir, '.cxone-exports') });
  const clock = options.clock ?? systemClock;
  const metrics = new ReceiverMetrics();
  const identity = { actor: 'test', runId: 'run-1', gitSha: undefined, toolVersion: '0.1.0' };
  const recorder = new CallbackRecorder({
    store,
    identity,
    metrics,
    lockTimeoutMs: options.lockTimeoutMs ?? 10_000,
    clock,
  });
  const rejections = new RejectionAudit({
    store,
    metrics,
    event: (facts) => stampEvent(identity, new Date(clock.now()).toISOString(), facts),
    clock,
  });
  const logs: string[] = [];
  const server = createCallbackServer({
    routes: [{ path: PATH, auth: { secrets: auth.secrets ?? [], token: auth.token }, recorder, rejections }],
    requests: metrics,
    renderMetrics: () => metrics.render(),
    metricsRoute: { served: true },
    log: (line) => logs.push(line),
    clock,
  });
  onTestFinished(() => new Promise<void>((resolve) => server.close(() => resolve())));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { url, server, recorder, rejections, metrics, logs };
}

export function completion(executionId: string, overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    executionId,
    status: 'completed',
    rowsExported: 500,
    startTime: '2026-11-27T10:00:00Z',
    endTime: '2026-11-27T10:04:10Z',
    ...overrides,
  };
}

export async function postCallback(
  url: string,
  body: unknown,
  options: { secret?: string; timestamp?: number; query?: string; headers?: Record<string, string>; raw?: string } = {},
): Promise<{ status: number; body: Record<string, unknown>; retryAfter?: string }> {
  const text = options.raw ?? JSON.stringify(body);
  const headers: Record<string, string> = { 'Content-Type': 'application/json', ...options.headers };
  if (options.secret !== undefined) {
    const timestamp = options.timestamp ?? Math.floor(Date.now() / 1000);
    headers['X-CXone-Timestamp'] = String(timestamp);
    headers['X-CXone-Signature'] = signCallback(options.secret, timestamp, text);
  }
  const response = await fetch(`${url}${PATH}${options.query ?? ''}`, { method: 'POST', headers, body: text });
  const answer = await response.text();
  const retryAfter = response.headers.get('retry-after');
  return {
    status: response.status,
    body: answer === '' ? {} : (JSON.parse(answer) as Record<string, unknown>),
    ...(retryAfter === null ? {} : { retryAfter }),
  };
}
