import { describe, expect, it } from 'vitest';
import { systemClock } from '../clock.js';
import { MemoryStore } from '../state/memory-store.js';
import { testIdentity } from '../../test/support/apply-request.js';
import { completion, postCallback } from '../../test/support/receiver.js';
import { queuedExports, seedState } from '../../test/support/state-builders.js';
import type { InterruptSignal } from './on-interrupt.js';
import { receiveCallbacks } from './receive-callbacks.js';
import type { ReceiveRequest } from './receive-callbacks.js';
import type { ReceiveView } from './receive-callbacks.js';

const SECRET = 'whsec-operation';
const PATH = '/webhook/cxone-callback';

function recordingReceiveView(onListening: (url: string) => void): ReceiveView & { said: string[] } {
  const said: string[] = [];
  return {
    said,
    auditLogRepaired: (bytes) => said.push(`repaired ${bytes}`),
    damagedEvents: (_location, lines) => said.push(`damaged ${lines}`),
    listening: (url) => {
      said.push('listening');
      onListening(url);
    },
    metricsAt: (where) => said.push(`metrics ${JSON.stringify(where)}`),
    request: () => undefined,
    recordFailed: (error) => said.push(`record failed ${String(error)}`),
    stopping: (signal) => said.push(`stopping ${signal}`),
    shutdownDeadline: () => said.push('deadline'),
    stopped: (writes, folded) => said.push(`stopped ${writes} ${folded}`),
  };
}

/** A receiver's request on `host` for one state, with these HMAC secrets (none: no authentication). */
function requestOn(host: string, secrets: string[], store: MemoryStore): ReceiveRequest {
  return {
    host,
    port: 0,
    tenants: [
      { store, path: PATH, auth: { secrets, token: undefined }, identity: testIdentity, staleGraceMs: 3_600_000 },
    ],
    insecureNoAuth: false,
    lockTimeoutMs: 1000,
    shutdownTimeoutMs: 5000,
    metrics: { metricsHost: '127.0.0.1' },
  };
}

describe('the receive operation, on the memory backend', () => {
  it('refuses to listen beyond loopback without callback authentication, and opens nothing', async () => {
    const store = new MemoryStore();
    const view = recordingReceiveView(() => undefined);
    const request = requestOn('0.0.0.0', [], store);
    const env = { clock: systemClock, onInterrupt: () => () => undefined };
    await expect(receiveCallbacks(request, env, view)).rejects.toThrow(
      'refusing to listen on 0.0.0.0 without callback authentication',
    );
    expect(view.said).toEqual([]);
    expect(store.events).toEqual([]);
  });

  it('records a signed completion, refuses an unsigned one, and stops on SIGTERM', async () => {
    const store = new MemoryStore();
    await seedState(store, queuedExports(1));
    let stop: (signal: InterruptSignal) => void = () => undefined;
    let listening: (url: string) => void = () => undefined;
    const url = new Promise<string>((resolve) => (listening = resolve));
    const view = recordingReceiveView((at) => listening(at));
    const running = receiveCallbacks(
      requestOn('127.0.0.1', [SECRET], store),
      {
        clock: systemClock,
        onInterrupt: (handler) => {
          stop = handler;
          return () => undefined;
        },
      },
      view,
    );
    const base = new URL(await url).origin;
    expect((await postCallback(base, completion('exe-0'))).status).toBe(401);
    const recorded = await postCallback(base, completion('exe-0'), { secret: SECRET });
    expect(recorded).toMatchObject({ status: 200, body: { status: 'recorded' } });
    stop('SIGTERM');
    await running;
    expect(view.said).toEqual([
      'listening',
      'metrics {"callback":true,"token":false}',
      'stopping SIGTERM',
      'stopped 1 false',
    ]);
    expect((await store.read()).state.exports['export-0']!.lastExecution).toMatchObject({
      status: 'completed',
      rowsExported: 500,
    });
    expect(store.events.map((event) => event.event)).toEqual(['callback.rejected', 'execution.completed']);
  });
});
