// An apply request as a unit test makes one: one at a time, no spacing, no waiting for the lock.

import type { ApplyRequest } from '../../src/operations/apply-operation.js';

export const testIdentity = { actor: 'test', runId: 'run-1', gitSha: undefined, toolVersion: '0.1.0' };

export function applyRequest(definitions: ApplyRequest['definitions'], more: Partial<ApplyRequest> = {}): ApplyRequest {
  return {
    definitions,
    targets: [],
    replace: [],
    concurrency: 1,
    spacingMs: 0,
    maxRequestsPerSecond: undefined,
    lockTimeoutMs: 0,
    lostAfterMs: 86_400_000,
    identity: testIdentity,
    ignorePromotion: false,
    // Where the simulator on loopback is the API: callbacks to this machine reach it.
    callbackReach: { apiUrl: 'http://127.0.0.1' },
    allowLoopbackCallbacks: false,
    ...more,
  };
}
