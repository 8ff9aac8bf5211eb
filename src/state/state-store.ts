// Where state lives, behind an interface with no file-system assumptions: the local file store implements it
// today, a PostgreSQL store (advisory locks, serial as a row version) can implement it later.

import type { AuditEvent } from '../audit/audit-event.js';
import type { ScanOptions, ScanSummary } from '../audit/scan-audit-log.js';
import type { ExportState, State } from './state-model.js';

export interface LockInfo {
  id: string;
  /** The command holding the lock, e.g. `apply`. */
  operation: string;
  /** user@host */
  who: string;
  host: string;
  pid: number;
  created: string;
  /** The cxone-exports version that took it. */
  version: string;
}

export interface StateLock {
  info: LockInfo;
  /** Releases the lock if it is still ours; idempotent. */
  release(): Promise<void>;
}

export interface StateSnapshot {
  state: State;
  /** False when nothing has been stored yet: the state is empty, with a lineage made up for this read. */
  exists: boolean;
}

export interface LockHooks {
  /** Told when a lock left by a process that is provably gone (a dead pid on this host) is broken. */
  onStaleLockBroken?: (holder: LockInfo) => void;
}

export interface LockOptions extends LockHooks {
  /** How long to wait for a held lock, retrying with backoff; 0 fails at once. */
  timeoutMs: number;
  onWait?: (holder: LockInfo) => void;
}

/** One try at the lock: taken, or held by someone (described when the holder can be read). */
export type LockAttempt = { acquired: true } | { acquired: false; holder: LockInfo | undefined };

/**
 * The lock of one state, in the manner of Terraform's statemgr.Locker: a backend only tries (never waits) and
 * releases; `lockState` does the waiting for every backend alike.
 */
export interface StateLocker {
  /** Where the lock lives, for messages (a file, a database row). */
  readonly lockLocation: string;
  /** Takes the lock if it is free, or breaks one the backend can prove abandoned; never waits. */
  tryLock(info: LockInfo, hooks?: LockHooks): Promise<LockAttempt>;
  /** Releases the lock if `lockId` still holds it, and does nothing otherwise; idempotent. */
  unlock(lockId: string): Promise<void>;
  /** Releases the lock held under `lockId`, whoever took it (`state unlock`); refuses any other id. */
  forceUnlock(lockId: string): Promise<LockInfo>;
}

/** Entry-level changes: what a callback or one export's result needs, without rewriting every entry. */
export interface StatePatch {
  lineage: string;
  /** Entries added or replaced, whole. */
  set: Record<string, ExportState>;
  remove: string[];
}

/** A state change and the audit events that explain it: stored together, or neither. */
export interface StateCommit extends StatePatch {
  events: readonly AuditEvent[];
}

/** The audit events of a state, as `status` and the metrics read them. */
export interface AuditEventReader {
  /** Streams the events in the order they were stored (only those of `options.events`, when given). */
  scanEvents(options: ScanOptions): Promise<ScanSummary>;
}

/** A store whose audit log a crash can tear (a file): it repairs the log once, when first opened. */
export interface AuditLogRepair {
  /** Opens the audit log (repairing it); says how many bytes of a torn last line were moved aside. */
  openAuditLog(): Promise<{ repairedBytes: number }>;
}

/** Whether `store` has an audit log to repair (checked where used, like any optional capability). */
export function repairsAuditLog(store: StateStore): store is StateStore & AuditLogRepair {
  return typeof (store as Partial<AuditLogRepair>).openAuditLog === 'function';
}

export interface StateStore extends StateLocker, AuditEventReader {
  /** Human description, e.g. `.cxone-exports/state.json`. */
  readonly location: string;
  /** The stored state. Its entries may be shared with the store: replace them, never change them in place. */
  read(): Promise<StateSnapshot>;
  /** The stored state, or undefined when it is still at this serial and lineage (a cheap check for long-running readers). */
  readIfChanged(serial: number, lineage: string): Promise<StateSnapshot | undefined>;
  /**
   * Stores `next` if the stored serial is still `expectedSerial` (compare-and-swap). The serial goes up by one
   * only when the content changed; the state before this run's first change is backed up first.
   * Returns what is stored afterwards.
   */
  write(next: State, expectedSerial: number): Promise<State>;
  /** Applies entry-level changes if the serial is still `expectedSerial`; returns the new serial. Durable on return. */
  patch(changes: StatePatch, expectedSerial: number): Promise<number>;
  /**
   * The one way a command changes the state: entry changes and the audit events that explain them, if the serial
   * and lineage still match (compare-and-swap), as one step. A file store writes the events first (fsynced), then
   * the entries; a database does both in one transaction. With no entry changes, only the events are stored and
   * the serial stays. Returns the serial afterwards.
   */
  commit(change: StateCommit, expectedSerial: number): Promise<number>;
  /** Events that change no state (a refused callback): stored durably. */
  appendEvents(events: readonly AuditEvent[]): Promise<void>;
  /** Folds logged patches into one complete stored state (before committing it to Git, on shutdown). */
  compact(): Promise<void>;
  /** Copies the stored state aside, once per store instance (one run). */
  backup(): Promise<void>;
}
