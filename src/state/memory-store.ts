// A state store in memory, for unit tests of what sits above the store (in the manner of Terraform's
// transient_inmem.go). It keeps the same contract as the durable stores: compare-and-swap on serial and lineage,
// one lock holder at a time, entries that callers may share but never change in place, and a state that refuses
// another environment. `handle()` opens the same stored state again, as another process would.

import { StateConflictError, StateLockLostError } from './state-errors.js';
import { notLockedError, notTheHeldLockError } from './lock-messages.js';
import { emptyState } from './state-model.js';
import type { State } from './state-model.js';
import type { AuditEvent } from '../audit/audit-event.js';
import type { ScanOptions, ScanSummary } from '../audit/scan-audit-log.js';
import { checkOwner, ownerOf, ownerToRecord } from './state-owner.js';
import type { StateOwner } from './state-owner.js';
import type {
  CommitGuard,
  LockAttempt,
  LockInfo,
  OwnerOptions,
  StateCommit,
  StateSnapshot,
  StateStore,
} from './state-store.js';
import { crypto } from '../on-first-use.js';

/** What every handle of one memory store shares: the stored state, its lock and its events. */
interface Medium {
  stored: State | undefined;
  holder: LockInfo | undefined;
  /** The current grant's fence, and how many grants there were (each fence is the next count). */
  fence: string | undefined;
  grants: number;
  events: AuditEvent[];
}

export class MemoryStore implements StateStore {
  readonly location = 'memory';
  readonly lockLocation = 'memory lock';
  readonly unknownHolderHint = 'Nothing to do: the memory store always knows its holder.';
  readonly eventsLocation = 'memory events';
  private readonly medium: Medium;

  constructor(
    private readonly options: OwnerOptions = {},
    medium?: Medium,
  ) {
    this.medium = medium ?? { stored: undefined, holder: undefined, fence: undefined, grants: 0, events: [] };
  }

  /** Another handle on the same stored state, opened with its own owner options. */
  handle(options: OwnerOptions = this.options): MemoryStore {
    return new MemoryStore(options, this.medium);
  }

  /** The audit events, in the order they were stored. */
  get events(): AuditEvent[] {
    return this.medium.events;
  }

  read(): Promise<StateSnapshot> {
    return this.guarded(() => {
      const stored = this.medium.stored;
      if (stored === undefined) return { state: emptyState(crypto().randomUUID()), exists: false };
      checkOwner(stored, this.options.owner, this.location);
      return { state: { ...stored, exports: { ...stored.exports } }, exists: true };
    });
  }

  storedOwner(): Promise<StateOwner | undefined> {
    return this.guarded(() => {
      const stored = this.medium.stored;
      if (stored === undefined) return undefined;
      checkOwner(stored, this.options.owner, this.location);
      return ownerOf(stored);
    });
  }

  async readIfChanged(serial: number, lineage: string): Promise<StateSnapshot | undefined> {
    const stored = this.medium.stored;
    if (stored !== undefined && stored.serial === serial && stored.lineage === lineage) return undefined;
    return this.read();
  }

  commit(change: StateCommit, expectedSerial: number, guard?: CommitGuard): Promise<number> {
    return this.guarded(() => {
      if (guard !== undefined && (this.medium.holder === undefined || this.medium.fence !== guard.fence))
        throw new StateLockLostError(this.location, 'another holder has it, or none');
      this.refuseIfMoved(expectedSerial, change.lineage);
      const stored = this.medium.stored;
      if (stored !== undefined) checkOwner(stored, this.options.owner, this.location);
      this.medium.events.push(...change.events);
      if (Object.keys(change.set).length === 0 && change.remove.length === 0) return expectedSerial;
      const base = stored ?? emptyState(change.lineage);
      const exports = { ...base.exports, ...change.set };
      for (const name of change.remove) delete exports[name];
      const recorded = ownerToRecord(stored, this.options.owner);
      this.medium.stored = { ...base, ...recorded?.owner, exports, serial: expectedSerial + 1 };
      if (recorded?.adopted === true) this.options.onAdopted?.(recorded.owner);
      return expectedSerial + 1;
    });
  }

  appendEvents(events: readonly AuditEvent[]): Promise<void> {
    this.medium.events.push(...events);
    return Promise.resolve();
  }

  scanEvents(options: ScanOptions): Promise<ScanSummary> {
    // The offset is the count of events already read.
    const from = options.from ?? 0;
    const fresh = this.medium.events.slice(from);
    for (const event of fresh)
      if (options.events === undefined || options.events.includes(event.event)) options.onEvent(event);
    return Promise.resolve({ lines: fresh.length, badLines: 0, endOffset: from + fresh.length });
  }

  tryLock(info: LockInfo): Promise<LockAttempt> {
    const holder = this.medium.holder;
    if (holder !== undefined) return Promise.resolve({ acquired: false, holder: { ...holder } });
    this.medium.holder = { ...info };
    this.medium.fence = String(++this.medium.grants);
    return Promise.resolve({ acquired: true, fence: this.medium.fence });
  }

  unlock(lockId: string): Promise<void> {
    if (this.medium.holder?.id === lockId) this.medium.holder = undefined;
    return Promise.resolve();
  }

  lockHolder(): Promise<LockInfo | undefined> {
    const holder = this.medium.holder;
    return Promise.resolve(holder === undefined ? undefined : { ...holder });
  }

  forceUnlock(lockId: string): Promise<LockInfo> {
    return this.guarded(() => {
      const holder = this.medium.holder;
      if (holder === undefined) throw notLockedError();
      if (holder.id !== lockId) throw notTheHeldLockError(lockId, holder);
      this.medium.holder = undefined;
      return holder;
    });
  }

  /** Every refusal as a rejected promise, like every other store's (never a synchronous throw). */
  private guarded<T>(work: () => T): Promise<T> {
    try {
      return Promise.resolve(work());
    } catch (error) {
      return Promise.reject(error instanceof Error ? error : new Error(String(error)));
    }
  }

  private refuseIfMoved(expectedSerial: number, lineage: string): void {
    const stored = this.medium.stored;
    const serial = stored?.serial ?? 0;
    const moved = stored !== undefined ? serial !== expectedSerial || stored.lineage !== lineage : expectedSerial !== 0;
    if (!moved) return;
    throw new StateConflictError(
      `${this.location} changed while this command ran (serial ${expectedSerial} → ${serial}); nothing was written`,
      { hint: 'Another process wrote the state without holding the lock. Run the command again.' },
    );
  }
}
