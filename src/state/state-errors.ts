// State problems the user must act on: each says what is wrong, that nothing was overwritten, and what to do.

import { UsageError } from '../errors.js';
import type { LockInfo } from './state-store.js';

export class StateUnreadableError extends UsageError {}

export class StateConflictError extends UsageError {}

/** The state belongs to another environment (or tenant) than the command's. */
export class StateOwnerError extends UsageError {}

export class StateLockedError extends UsageError {
  constructor(
    readonly holder: LockInfo | undefined,
    lockPath: string,
    waitedMs: number,
  ) {
    const waited = waitedMs > 0 ? ` after waiting ${Math.round(waitedMs / 1000)} s` : '';
    super(
      holder === undefined
        ? `the state is locked${waited}, and the lock file ${lockPath} cannot be read`
        : `the state is locked${waited} by ${holder.operation} (lock ${holder.id}, ${holder.who}, pid ${holder.pid}, since ${holder.created}, cxone-exports ${holder.version})`,
      {
        hint:
          holder === undefined
            ? `If no cxone-exports command is running, remove ${lockPath}.`
            : `Wait for it to finish, or pass --lock-timeout 5m to wait. If that command is gone (a crashed CI runner), release the lock with:\n  cxone-exports state unlock ${holder.id}`,
      },
    );
  }
}
