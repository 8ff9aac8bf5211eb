// Where state lives, behind an interface with no file-system assumptions: the local files (state/local/), the
// PostgreSQL tables (state/pg/: a lease for the lock, a serial per entry) and the memory store implement it, and
// the capabilities only some have (compaction, a whole state's import, streamed events) are optional interfaces.

import type { AuditHead } from '../audit/audit-chain.js';
import type { AuditEvent } from '../audit/audit-event.js';
import type { ScanOptions, ScanSummary } from '../audit/scan-audit-log.js';
import type { ExportState, State } from './state-model.js';
import type { ExpectedOwner, StateOwner } from './state-owner.js';

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
  /**
   * When the holder process started, as the kernel counts it (/proc), so a pid reused by another process is not
   * mistaken for the holder; absent where the system does not say.
   */
  processStart?: string;
  /** Where the lock is a lease (pg): when it ends unless its holder renews it, in UTC. */
  leaseEnds?: string;
}

export interface StateLock {
  info: LockInfo;
  /**
   * The fencing token of this grant: every commit made under the lock carries it, and is refused once the lock
   * is no longer held under it (taken over, force-unlocked, its database session lost).
   */
  fence: string;
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

/**
 * One try at the lock: taken (with its fencing token), or held by someone (described when the holder can be
 * read; `holderAlive` when it lost its hold, a database session say, but still runs on this host).
 */
export type LockAttempt =
  { acquired: true; fence: string } | { acquired: false; holder: LockInfo | undefined; holderAlive?: boolean };

/** A commit made under the lock: refused, with nothing written, unless the lock is still held under `fence`. */
export interface CommitGuard {
  fence: string;
}

/**
 * The lock of one state, in the manner of Terraform's statemgr.Locker: a backend only tries (never waits) and
 * releases; `lockState` does the waiting for every backend alike.
 */
export interface StateLocker {
  /** Where the lock lives, for messages (a file, a database row). */
  readonly lockLocation: string;
  /** What to do when the lock is held but who holds it cannot be read. */
  readonly unknownHolderHint: string;
  /** Takes the lock if it is free, or breaks one the backend can prove abandoned; never waits. */
  tryLock(info: LockInfo, hooks?: LockHooks): Promise<LockAttempt>;
  /** Releases the lock if `lockId` still holds it, and does nothing otherwise; idempotent. */
  unlock(lockId: string): Promise<void>;
  /** Releases the lock held under `lockId`, whoever took it (`state unlock`); refuses any other id. */
  forceUnlock(lockId: string): Promise<LockInfo>;
  /** Who holds the lock now, as far as the backend can read it; takes nothing. */
  lockHolder(): Promise<LockInfo | undefined>;
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
  /** Where the events live, for messages (a file, a table). */
  readonly eventsLocation: string;
  /**
   * Streams the events in the order they were stored (only those of `options.events`, when given), from
   * `options.from` (the `endOffset` of an earlier scan: only what was stored since) or from the start.
   */
  scanEvents(options: ScanOptions): Promise<ScanSummary>;
}

/** A backend that streams its stored events as text, as stored, for exporting many at once. */
export interface AuditExport {
  /**
   * Hands `write` the stored events from `since` on (all without it), in the order they were stored, as JSON
   * lines in chunks of bytes (a chunk may end inside a line); waits for each write (a pipe's back-pressure).
   * Returns how many it handed over.
   */
  exportEvents(since: Date | undefined, write: (lines: Buffer) => Promise<void>): Promise<number>;
}

export function exportsEvents(store: StateStore): store is StateStore & AuditExport {
  return typeof (store as Partial<AuditExport>).exportEvents === 'function';
}

/** A store whose audit events form a hash chain, with a head it records: what `audit verify` checks. */
export interface ChainedAudit {
  /**
   * True where the head moves with every event (a database transaction); false where events may run ahead of
   * it until the next state write (the local files: refused callbacks, a run stopped between the two writes).
   */
  readonly headCoversAll: boolean;
  /** The recorded head and what its signature binds; undefined when nothing is stored yet. */
  recordedAuditHead(): Promise<{ head: AuditHead | undefined; scope: string } | undefined>;
  /** The events' bytes as stored, one JSON line each, in order; stops early once `stop` says so. */
  streamAuditLog(write: (chunk: Buffer) => Promise<void> | void, stop?: () => boolean): Promise<void>;
}

export function chainsAudit(store: StateStore): store is StateStore & ChainedAudit {
  return typeof (store as Partial<ChainedAudit>).recordedAuditHead === 'function';
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

/** A store that logs small changes beside a snapshot (the local state log) and can fold them into it. */
export interface StateCompaction {
  /** Folds logged changes into one complete stored state (before Git commits it, on shutdown). */
  compact(): Promise<void>;
}

export function compactsState(store: StateStore): store is StateStore & StateCompaction {
  return typeof (store as Partial<StateCompaction>).compact === 'function';
}

/** A store whose state lives in files a Git commit-back must include (the local store; never a database). */
export interface CommitBackFiles {
  /** The files to commit, relative to the project root. */
  commitBackFiles(): string[];
}

export function hasCommitBackFiles(store: StateStore): store is StateStore & CommitBackFiles {
  return typeof (store as Partial<CommitBackFiles>).commitBackFiles === 'function';
}

/**
 * A backend whose commits compare and swap per entry: writers that change different entries commit side by side
 * without the state lock (receivers beside apply), and a writer refused because another changed its entries
 * reads again and retries.
 */
export interface ConcurrentCommits {
  readonly concurrentCommits: true;
}

export function commitsConcurrently(store: StateStore): store is StateStore & ConcurrentCommits {
  return (store as Partial<ConcurrentCommits>).concurrentCommits === true;
}

/** A backend with storage of its own to set up (a database schema): created on first use, or on request. */
export interface BackendSetup {
  /** Makes sure the backend's storage exists at a version this tool reads; says whether it was created now. */
  setUp(): Promise<{ created: boolean }>;
}

export function setsUp(store: StateStore): store is StateStore & BackendSetup {
  return typeof (store as Partial<BackendSetup>).setUp === 'function';
}

/** A backend a whole state can be moved into, keeping its lineage and serial, with its audit events. */
export interface StateImport {
  /**
   * Stores `state` as it is (lineage, serial, entries) and the events, in one step, into an empty backend.
   * Returns 'imported', or 'already' when the backend holds this very state (same lineage and serial) already;
   * refuses a backend that holds anything else.
   */
  importState(state: State, events: AsyncIterable<readonly AuditEvent[]>): Promise<'imported' | 'already'>;
}

export function importsState(store: StateStore): store is StateStore & StateImport {
  return typeof (store as Partial<StateImport>).importState === 'function';
}

/** A backend holding connections (a database pool): closed when the command ends. */
export interface Closeable {
  close(): Promise<void>;
}

export async function closeStore(store: StateStore): Promise<void> {
  const closeable = store as Partial<Closeable>;
  if (typeof closeable.close === 'function') await closeable.close();
}

/** Whose state a store opens: it refuses another's, and records this one at the first write (store options). */
export interface OwnerOptions {
  /** Undefined: no check at all (a state read only to be moved, tests). */
  owner?: ExpectedOwner | undefined;
  /** Told once, at the write that records an owner on a state written before states recorded one. */
  onAdopted?: ((owner: StateOwner) => void) | undefined;
}

/**
 * A backend: one named state and its audit events. It reads, commits (compare-and-swap), locks without waiting
 * and streams its events; everything else is an optional capability above, checked where it is used.
 */
export interface StateStore extends StateLocker, AuditEventReader {
  /** Human description, e.g. `.cxone-exports/state.json`. */
  readonly location: string;
  /** The stored state. Its entries may be shared with the store: replace them, never change them in place. */
  read(): Promise<StateSnapshot>;
  /**
   * Whose the stored state is, without reading its entries (undefined when nothing is stored), refused with
   * StateOwnerError when it belongs to another environment than the store was opened for: what a command checks
   * first, before it locks, reads, writes or sends anything.
   */
  storedOwner(): Promise<StateOwner | undefined>;
  /** The stored state, or undefined when it is still at this serial and lineage (a cheap check for long-running readers). */
  readIfChanged(serial: number, lineage: string): Promise<StateSnapshot | undefined>;
  /**
   * The one way state changes: entry changes and the audit events that explain them, if the serial and lineage
   * still match (compare-and-swap), as one step. A file store writes the events first (fsynced), then the
   * entries; a database does both in one transaction. The serial goes up by one when entries change; with none,
   * only the events are stored and the serial stays. Durable on return; returns the serial afterwards. With a
   * `guard`, the same step checks that the lock is still held under its fence (StateLockLostError otherwise).
   */
  commit(change: StateCommit, expectedSerial: number, guard?: CommitGuard): Promise<number>;
  /** Events that change no state (a refused callback): stored durably. */
  appendEvents(events: readonly AuditEvent[]): Promise<void>;
}
