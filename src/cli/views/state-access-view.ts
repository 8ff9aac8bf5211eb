// What every state-changing command says about the state it opens: a dead process's lock broken, a torn audit
// line moved aside. The same words whichever command it is.

import type { StateAccessView } from '../../operations/state-access.js';
import type { LockInfo } from '../../state/state-store.js';
import { formatDuration } from '../../schedules/duration.js';
import type { Logger } from '../logger.js';

export function stateAccessView(logger: Logger): StateAccessView {
  return {
    staleLockBroken: (holder: LockInfo) =>
      logger.warn(
        holder.leaseEnds === undefined
          ? `Warning: broke the lock ${holder.id} left by ${holder.operation} (pid ${holder.pid}, ${holder.who}), which is no longer running.`
          : `Warning: took over the lock ${holder.id} of ${holder.operation} (pid ${holder.pid}, ${holder.who}), whose lease ended at ${holder.leaseEnds} without renewal: it was killed, frozen or cut off. If it wakes, it finds the lock taken and writes nothing.`,
      ),
    waitingForLock: (holder: LockInfo, timeoutMs: number) =>
      logger.warn(
        `Waiting up to ${formatDuration(timeoutMs)} for the state lock held by ${holder.operation} (lock ${holder.id}, ${holder.who}, pid ${holder.pid}, since ${holder.created}).`,
      ),
    auditLogRepaired: (bytes: number) =>
      logger.warn(
        `Warning: the last line of audit.jsonl was torn by a crash; its ${bytes} bytes were moved to audit.jsonl.torn.`,
      ),
  };
}
