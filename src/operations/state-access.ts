// What every operation that changes the state does first: take the lock (waiting as asked, breaking one a dead
// process left), fold in what a crashed run logged, and open the audit log, repairing a line a crash tore.

import type { Clock } from '../clock.js';
import { lockState } from '../state/lock-state.js';
import { compactsState, repairsAuditLog } from '../state/state-store.js';
import type { LockInfo, StateLock, StateSnapshot, StateStore } from '../state/state-store.js';

/** What an operation tells its view about the state it works on. */
export interface StateAccessView {
  /** A lock left by a process that is provably gone was broken. */
  staleLockBroken(holder: LockInfo): void;
  /** Another run holds the lock, and this one waits for it, up to `timeoutMs`: said once, at the first wait. */
  waitingForLock(holder: LockInfo, timeoutMs: number): void;
  /** The audit log's last line was torn by a crash; this many bytes were moved aside. */
  auditLogRepaired(bytes: number): void;
}

export function takeLock(
  store: StateStore,
  operation: string,
  timeoutMs: number,
  view: Pick<StateAccessView, 'staleLockBroken' | 'waitingForLock'>,
  clock: Clock,
): Promise<StateLock> {
  let told = false;
  return lockState(store, operation, {
    timeoutMs,
    clock,
    onStaleLockBroken: (holder) => view.staleLockBroken(holder),
    onWait: (holder) => {
      if (!told) view.waitingForLock(holder, timeoutMs);
      told = true;
    },
  });
}

/**
 * The state as a locked writer sees it. A run that crashed may have left logged changes: they are folded in
 * first, so the stored snapshot is whole whatever this run does (a Git commit-back commits it).
 */
export async function readForWriting(store: StateStore): Promise<StateSnapshot> {
  if (compactsState(store)) await store.compact();
  return store.read();
}

/** Opens the audit log before events are read or appended, and says so when a crash had torn it. */
export async function openAuditLog(store: StateStore, view: Pick<StateAccessView, 'auditLogRepaired'>): Promise<void> {
  if (!repairsAuditLog(store)) return;
  const { repairedBytes } = await store.openAuditLog();
  if (repairedBytes > 0) view.auditLogRepaired(repairedBytes);
}
