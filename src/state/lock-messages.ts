// The refusals of `state unlock` every backend gives in the same words, so a user reads one message whichever
// backend holds the state.

import { StateConflictError } from './state-errors.js';
import type { LockInfo } from './state-store.js';

export function notLockedError(): StateConflictError {
  return new StateConflictError('the state is not locked', { hint: 'Nothing to do.' });
}

export function notTheHeldLockError(lockId: string, holder: LockInfo): StateConflictError {
  return new StateConflictError(
    `lock ${lockId} is not the one held: the state is locked by ${holder.operation} (lock ${holder.id}, ${holder.who})`,
    { hint: `Check the id: cxone-exports state unlock ${holder.id} releases the current lock.` },
  );
}
