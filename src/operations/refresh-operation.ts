// The refresh operation: under the lock, one pass over every execution the state holds as queued or running,
// recording those that ended (a scheduled CI job's stand-in for the callbacks it cannot receive).

import { pollCompletions } from '../apply/completion-poller.js';
import type { PollReporter, PollResult } from '../apply/completion-poller.js';
import { StateJournal } from '../apply/state-journal.js';
import type { RunIdentity } from '../audit/audit-event.js';
import type { Clock } from '../clock.js';
import { IN_FLIGHT_STATUSES } from '../contract/execution-status.js';
import type { StatusClient } from '../apply/completion-poller.js';
import type { StateStore } from '../state/state-store.js';
import { openAuditLog, readForWriting, takeLock } from './state-access.js';
import { checkTenant } from './tenant-guard.js';
import type { TenantExpectation } from './tenant-guard.js';
import type { StateAccessView } from './state-access.js';

export interface RefreshRequest {
  lockTimeoutMs: number;
  /** How long an execution may answer 404 before it is recorded lost (`limits.lostAfter`). */
  lostAfterMs: number;
  identity: RunIdentity;
  /** The tenant the environment's credentials must belong to (the tenant guard). */
  tenant?: TenantExpectation;
}

export interface RefreshReport extends PollResult {
  serialBefore: number;
  serialAfter: number;
}

export interface RefreshView extends StateAccessView {
  readonly progress: PollReporter;
  /** No execution is queued or running. */
  nothingToRefresh(): void;
  finished(report: RefreshReport): void;
}

export interface RefreshEnvironment {
  store: StateStore;
  /** The status lookup and its tokens, made only when there is something to look up. */
  connect(): { executions: StatusClient; tokens: { getToken(): Promise<string> } };
  clock: Clock;
}

export async function runRefresh(request: RefreshRequest, env: RefreshEnvironment, view: RefreshView): Promise<void> {
  const { store } = env;
  const lock = await takeLock(store, 'refresh', request.lockTimeoutMs, view, env.clock);
  try {
    const { state } = await readForWriting(store);
    const unfinished = Object.entries(state.exports)
      .filter(
        ([, entry]) => entry.lastExecution?.executionId != null && IN_FLIGHT_STATUSES.has(entry.lastExecution.status),
      )
      .map(([name, entry]) => ({
        name,
        dataActionId: entry.spec.dataActionId,
        executionId: entry.lastExecution!.executionId!,
      }));
    if (unfinished.length === 0) {
      view.nothingToRefresh();
      return;
    }
    const client = env.connect();
    // Another tenant's credentials stop the refresh before anything is asked or written.
    checkTenant(await client.tokens.getToken(), request.tenant);
    await openAuditLog(store, view);
    const journal = new StateJournal(state, store, { fence: lock.fence });
    const result = await pollCompletions(unfinished, {
      client: client.executions,
      journal,
      identity: request.identity,
      reporter: view.progress,
      clock: env.clock,
      timeoutMs: 0,
      once: true,
      lostAfterMs: request.lostAfterMs,
    });
    await journal.close();
    if (result.unsupported !== undefined) throw result.unsupported;
    view.finished({ ...result, serialBefore: state.serial, serialAfter: journal.serial });
  } finally {
    await lock.release();
  }
}
