// A state store in memory, for unit tests of what sits above the store (in the manner of Terraform's
// transient_inmem.go). It keeps the same contract as the durable stores: compare-and-swap on serial and lineage,
// one lock holder at a time, entries that callers may share but never change in place.

import { randomUUID } from 'node:crypto';
import { StateConflictError } from './state-errors.js';
import { emptyState } from './state-model.js';
import type { State } from './state-model.js';
import type { AuditEvent } from '../audit/audit-event.js';
import type { ScanOptions, ScanSummary } from '../audit/scan-audit-log.js';
import type { LockAttempt, LockInfo, StateCommit, StateSnapshot, StateStore } from './state-store.js';

export class MemoryStore implements StateStore {
  readonly location = 'memory';
  readonly lockLocation = 'memory lock';
  readonly eventsLocation = 'memory events';
  private stored: State | undefined;
  private holder: LockInfo | undefined;
  /** The audit events, in the order they were stored. */
  readonly events: AuditEvent[] = [];

  read(): Promise<StateSnapshot> {
    if (this.stored === undefined) return Promise.resolve({ state: emptyState(randomUUID()), exists: false });
    return Promise.resolve({ state: { ...this.stored, exports: { ...this.stored.exports } }, exists: true });
  }

  async readIfChanged(serial: number, lineage: string): Promise<StateSnapshot | undefined> {
    if (this.stored !== undefined && this.stored.serial === serial && this.stored.lineage === lineage) return undefined;
    return this.read();
  }

  async commit(change: StateCommit, expectedSerial: number): Promise<number> {
    await this.refuseIfMoved(expectedSerial, change.lineage);
    this.events.push(...change.events);
    if (Object.keys(change.set).length === 0 && change.remove.length === 0) return expectedSerial;
    const base = this.stored ?? emptyState(change.lineage);
    const exports = { ...base.exports, ...change.set };
    for (const name of change.remove) delete exports[name];
    this.stored = { ...base, exports, serial: expectedSerial + 1 };
    return this.stored.serial;
  }

  appendEvents(events: readonly AuditEvent[]): Promise<void> {
    this.events.push(...events);
    return Promise.resolve();
  }

  scanEvents(options: ScanOptions): Promise<ScanSummary> {
    // The offset is the count of events already read.
    const from = options.from ?? 0;
    const fresh = this.events.slice(from);
    for (const event of fresh)
      if (options.events === undefined || options.events.includes(event.event)) options.onEvent(event);
    return Promise.resolve({ lines: fresh.length, badLines: 0, endOffset: from + fresh.length });
  }

  tryLock(info: LockInfo): Promise<LockAttempt> {
    if (this.holder !== undefined) return Promise.resolve({ acquired: false, holder: { ...this.holder } });
    this.holder = { ...info };
    return Promise.resolve({ acquired: true });
  }

  unlock(lockId: string): Promise<void> {
    if (this.holder?.id === lockId) this.holder = undefined;
    return Promise.resolve();
  }

  forceUnlock(lockId: string): Promise<LockInfo> {
    const holder = this.holder;
    if (holder === undefined)
      return Promise.reject(new StateConflictError('the state is not locked', { hint: 'Nothing to do.' }));
    if (holder.id !== lockId) {
      return Promise.reject(
        new StateConflictError(
          `lock ${lockId} is not the one held: the state is locked by ${holder.operation} (lock ${holder.id}, ${holder.who})`,
          {
            hint: `Check the id: cxone-exports state unlock ${holder.id} releases the current lock.`,
          },
        ),
      );
    }
    this.holder = undefined;
    return Promise.resolve(holder);
  }

  /** A rejected promise when the state moved, like every other store's refusal (never a synchronous throw). */
  private refuseIfMoved(expectedSerial: number, lineage: string): Promise<void> {
    const serial = this.stored?.serial ?? 0;
    const moved =
      this.stored !== undefined ? serial !== expectedSerial || this.stored.lineage !== lineage : expectedSerial !== 0;
    if (!moved) return Promise.resolve();
    return Promise.reject(
      new StateConflictError(
        `${this.location} changed while this command ran (serial ${expectedSerial} → ${serial}); nothing was written`,
        {
          hint: 'Another process wrote the state without holding the lock. Run the command again.',
        },
      ),
    );
  }
}
