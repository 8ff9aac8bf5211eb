// State problems the user must act on: each says what is wrong, that nothing was overwritten, and what to do.

import { ExternalError, UsageError } from '../errors.js';
import type { LockInfo } from './state-store.js';

export class StateUnreadableError extends UsageError {}

export class StateConflictError extends UsageError {}

export class StateLockedError extends UsageError {
  constructor(
    readonly holder: LockInfo | undefined,
    lockPath: string,
    waitedMs: number,
    holderAlive: boolean,
    /** What to do when who holds the lock cannot be read: the backend knows (StateLocker.unknownHolderHint). */
    unknownHolderHint: string,
  ) {
    const waited = waitedMs > 0 ? ` after waiting ${Math.round(waitedMs / 1000)} s` : '';
    const alive = holderAlive
      ? '; its hold on the lock was lost (a database session ended), but the process still runs on this host, so it is not taken over'
      : '';
    super(
      holder === undefined
        ? `the state is locked${waited}, and who holds it cannot be read (${lockPath})`
        : `the state is locked${waited} by ${holder.operation} (lock ${holder.id}, ${holder.who}, pid ${holder.pid}, since ${holder.created}, cxone-exports ${holder.version}${holder.leaseEnds === undefined ? '' : `, lease renewed until ${holder.leaseEnds}`})${alive}`,
      {
        hint:
          holder === undefined
            ? unknownHolderHint
            : holder.leaseEnds === undefined
              ? `Wait for it to finish, or pass --lock-timeout 5m to wait. If that command is gone (a crashed CI runner), release the lock with:\n  cxone-exports state unlock ${holder.id}`
              : `Wait for it to finish, or pass --lock-timeout 5m to wait: its holder renews the lease while it runs, and if it is gone (a cancelled CI job), the lease ends by itself and the waiting run takes the lock. To release it at once:\n  cxone-exports state unlock ${holder.id}`,
      },
    );
  }
}

/**
 * The lock this writer held was lost (its database session ended, it was force-unlocked, another holder took it
 * over): nothing was written, and nothing more may be. Every submission's intent was committed before it left,
 * so the next holder resubmits what was in flight with the same Idempotency-Key, never a second execution.
 */
export class StateLockLostError extends ExternalError {
  constructor(location: string, why: string) {
    super(`the state lock was lost (${why}), so nothing more was written or submitted`, {
      hint: `${location} holds every intent and result recorded before the loss. Check who holds the lock now (cxone-exports state list shows the state), then run the command again: what was in flight is resubmitted with the same Idempotency-Key.`,
    });
  }
}
