// `state rm` as an operation: under the lock, one commit of the removal and the audit line that explains it;
// CXone is not called. The state is folded at once where it lives in files, since a Git commit-back follows.

import { stampEvent } from '../audit/audit-event.js';
import type { RunIdentity } from '../audit/audit-event.js';
import type { Clock } from '../clock.js';
import { requireEntry } from '../state/require-entry.js';
import { compactsState } from '../state/state-store.js';
import type { StateStore } from '../state/state-store.js';
import { openAuditLog, readForWriting, takeLock } from './state-access.js';
import type { StateAccessView } from './state-access.js';

export interface ForgetRequest {
  name: string;
  lockTimeoutMs: number;
  identity: RunIdentity;
  clock: Clock;
}

export interface ForgetReport {
  name: string;
  serialBefore: number;
  serialAfter: number;
}

export async function runForget(
  request: ForgetRequest,
  store: StateStore,
  view: StateAccessView,
): Promise<ForgetReport> {
  const lock = await takeLock(store, 'state rm', request.lockTimeoutMs, view, request.clock);
  try {
    const { state } = await readForWriting(store);
    const entry = requireEntry(state, request.name);
    await openAuditLog(store, view);
    const forget = stampEvent(request.identity, new Date(request.clock.now()).toISOString(), {
      event: 'state.forget',
      export: request.name,
      definitionHash: entry.definitionHash,
      executionId: entry.lastExecution?.executionId ?? null,
      reason: 'state rm',
    });
    const serial = await store.commit(
      { lineage: state.lineage, set: {}, remove: [request.name], events: [forget] },
      state.serial,
      { fence: lock.fence },
    );
    if (compactsState(store)) await store.compact();
    return { name: request.name, serialBefore: state.serial, serialAfter: serial };
  } finally {
    await lock.release();
  }
}
