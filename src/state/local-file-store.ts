// The local file store: {stateDir}/state.json, written atomically and durably (temp file, fsync, rename, fsync
// of the directory), guarded by an exclusive lock file, backed up once per run before the first change.
// Small changes to a large state (a callback, one export's result) are appended to state.wal and fsynced, so
// 10,000 entries are not rewritten per event; a snapshot write (apply's last step, serve's compaction) folds
// the log back into state.json.

import { randomUUID } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { link, readFile, rename, rm, stat, truncate, writeFile } from 'node:fs/promises';
import { createInterface } from 'node:readline';
import { join } from 'node:path';
import { appendDurably, writeFileDurably } from '../files/durable-write.js';
import { makeDirectory, refuseIrregularFile } from '../files/file-kind.js';
import { StateConflictError, StateLockLostError, StateUnreadableError } from './state-errors.js';
import { holderIsAlive } from './lock-state.js';
import {
  checkState,
  parseState,
  restoreFromBackupHint,
  serializeContent,
  serializeState,
  withSerial,
} from './state-file-format.js';
import { emptyState } from './state-model.js';
import type { ExportState, State } from './state-model.js';
import type { AuditEvent } from '../audit/audit-event.js';
import { AuditLog, auditLogPath } from '../audit/audit-log.js';
import { scanAuditLog } from '../audit/scan-audit-log.js';
import type { ScanOptions, ScanSummary } from '../audit/scan-audit-log.js';
import { checkOwner, ownerOf, ownerToRecord } from './state-owner.js';
import type { StateOwner } from './state-owner.js';
import type {
  CommitBackFiles,
  CommitGuard,
  LockAttempt,
  LockHooks,
  LockInfo,
  OwnerOptions,
  StateCommit,
  StateCompaction,
  StatePatch,
  StateSnapshot,
  StateStore,
} from './state-store.js';

export interface LocalFileStoreOptions extends OwnerOptions {
  stateDir: string;
  /** How paths are shown in messages (relative to the working directory). */
  displayDir?: string;
  /** The audit log of this state; `{stateDir}/audit.jsonl` by default. */
  auditPath?: string;
}

/** What this store last saw on disk, and the state it holds, so unchanged files are never parsed twice. */
interface KnownState {
  snapshotSignature: string;
  walSignature: string;
  snapshotText: string;
  state: State;
  walRecords: number;
  /** Bytes of a torn last log line (a crash mid-append), to cut off before the log is extended. */
  tornBytes: number;
}

/** One line of state.wal: the entries set and removed by one write, and the serial it produced. */
interface WalRecord {
  lineage: string;
  serial: number;
  set: Record<string, ExportState>;
  remove: string[];
}

export class LocalFileStore implements StateStore, StateCompaction, CommitBackFiles {
  readonly location: string;
  readonly lockLocation: string;
  readonly unknownHolderHint: string;
  readonly eventsLocation: string;
  private readonly statePath: string;
  private readonly walPath: string;
  private readonly backupPath: string;
  private readonly lockPath: string;
  private readonly display: (file: string) => string;
  private backedUp = false;
  private known: KnownState | undefined;
  private readonly auditPath: string;
  private auditLog: Promise<{ log: AuditLog; repairedBytes: number }> | undefined;

  constructor(private readonly options: LocalFileStoreOptions) {
    this.statePath = join(options.stateDir, 'state.json');
    this.walPath = join(options.stateDir, 'state.wal');
    this.backupPath = join(options.stateDir, 'state.json.backup');
    this.lockPath = join(options.stateDir, 'state.lock');
    this.display = (file) =>
      options.displayDir === undefined
        ? join(options.stateDir, file)
        : `${options.displayDir.replace(/\/$/, '')}/${file}`;
    this.location = this.display('state.json');
    this.lockLocation = this.display('state.lock');
    this.unknownHolderHint = `If no cxone-exports command is running, remove ${this.lockLocation}.`;
    this.auditPath = options.auditPath ?? auditLogPath(options.stateDir);
    this.eventsLocation = options.auditPath ?? this.display('audit.jsonl');
  }

  async read(): Promise<StateSnapshot> {
    const current = await this.load();
    if (current === undefined) return { state: emptyState(randomUUID()), exists: false };
    checkOwner(current.state, this.options.owner, this.location);
    // A fresh map of entries; the entries themselves are shared and must be replaced, never changed in place.
    return { state: { ...current.state, exports: { ...current.state.exports } }, exists: true };
  }

  async storedOwner(): Promise<StateOwner | undefined> {
    const current = await this.load();
    if (current === undefined) return undefined;
    checkOwner(current.state, this.options.owner, this.location);
    return ownerOf(current.state);
  }

  async readIfChanged(serial: number, lineage: string): Promise<StateSnapshot | undefined> {
    const current = await this.load();
    if (current !== undefined && current.state.serial === serial && current.state.lineage === lineage) return undefined;
    return this.read();
  }

  /** The whole state as a new snapshot; only `patch` calls it, for a state's first write or a new owner. */
  private async write(next: State, expectedSerial: number): Promise<State> {
    const current = await this.load();
    this.refuseIfMoved(current, expectedSerial, next.lineage);
    const content = serializeContent(next);
    // Unchanged content serializes to the very bytes on disk (a file formatted by another tool is rewritten).
    if (
      current !== undefined &&
      current.walRecords === 0 &&
      withSerial(content, current.state.serial) === current.snapshotText
    )
      return { ...next, serial: current.state.serial };
    await this.backup();
    const written: State = { ...next, serial: expectedSerial + 1 };
    await this.writeSnapshot(written, withSerial(content, written.serial));
    return written;
  }

  /** Entry changes as one log record; `commit`, the one way state changes, calls it after the events. */
  private async patch(changes: StatePatch, expectedSerial: number): Promise<number> {
    const current = await this.load();
    this.refuseIfMoved(current, expectedSerial, changes.lineage);
    if (current === undefined) {
      // The first write of a state is a whole snapshot, with its owner; the log only ever extends one.
      const owner = ownerToRecord(undefined, this.options.owner)?.owner;
      const state: State = { ...emptyState(changes.lineage), ...owner, exports: { ...changes.set } };
      return (await this.write(state, expectedSerial)).serial;
    }
    const recorded = ownerToRecord(current.state, this.options.owner);
    if (recorded !== undefined) {
      // Recording an owner rewrites the snapshot, once: the log's records carry entries only.
      const exports = { ...current.state.exports, ...changes.set };
      for (const name of changes.remove) delete exports[name];
      const written = await this.write({ ...current.state, ...recorded.owner, exports }, expectedSerial);
      if (recorded.adopted) this.options.onAdopted?.(recorded.owner);
      return written.serial;
    }
    await this.backup();
    if (current.tornBytes > 0) {
      // Appending after a torn fragment would glue the new record to it: cut the fragment off first.
      const size = (await stat(this.walPath)).size;
      await truncate(this.walPath, size - current.tornBytes);
      current.tornBytes = 0;
    }
    const record: WalRecord = {
      lineage: changes.lineage,
      serial: expectedSerial + 1,
      set: changes.set,
      remove: changes.remove,
    };
    // All of the record or none of it: a failed append is cut back, and the error reaches the caller.
    await appendDurably(this.walPath, `${JSON.stringify(record)}\n`);
    // The cached map is the store's own (readers get copies), so it is updated in place: no 10,000-key copy.
    const exports = current.state.exports;
    Object.assign(exports, changes.set);
    for (const name of changes.remove) delete exports[name];
    this.known = {
      ...current,
      state: { ...current.state, serial: record.serial, exports },
      walRecords: current.walRecords + 1,
      walSignature: await signature(this.walPath, this.display('state.wal')),
    };
    return record.serial;
  }

  async commit(change: StateCommit, expectedSerial: number, guard?: CommitGuard): Promise<number> {
    // Refused before anything is written, so a stale commit leaves neither events nor entries behind.
    if (guard !== undefined) await this.refuseIfLockLost(guard.fence);
    const current = await this.load();
    this.refuseIfMoved(current, expectedSerial, change.lineage);
    if (current !== undefined) checkOwner(current.state, this.options.owner, this.location);
    // The events first, fsynced: a crash before the entries leaves a line that says what was about to happen.
    await this.appendEvents(change.events);
    if (Object.keys(change.set).length === 0 && change.remove.length === 0) return expectedSerial;
    return this.patch({ lineage: change.lineage, set: change.set, remove: change.remove }, expectedSerial);
  }

  async appendEvents(events: readonly AuditEvent[]): Promise<void> {
    if (events.length === 0) return;
    await (await this.openAuditLog()).log.append(events);
  }

  /** Opens the audit log once, moving a line torn by a crash aside; says how many bytes were moved. */
  async openAuditLog(): Promise<{ log: AuditLog; repairedBytes: number }> {
    this.auditLog ??= refuseIrregularFile(this.auditPath, this.eventsLocation).then(() =>
      AuditLog.open(this.auditPath),
    );
    return this.auditLog;
  }

  async scanEvents(options: ScanOptions): Promise<ScanSummary> {
    await refuseIrregularFile(this.auditPath, this.eventsLocation);
    const from = options.from ?? 0;
    if (from === 0) return scanAuditLog(this.auditPath, options);
    const size = await stat(this.auditPath).then(
      (s) => s.size,
      () => 0,
    );
    if (size === from) return { lines: 0, badLines: 0, endOffset: from };
    // A shorter file was replaced (a checkout, a restore): it is read again from the start.
    return scanAuditLog(this.auditPath, { ...options, from: size < from ? 0 : from });
  }

  /**
   * The audit events in order, in batches of `size`, for moving them elsewhere; a line that is not an event is
   * counted by `onBadLine` and left out.
   */
  async *eventBatches(size: number, onBadLine: (lineNumber: number) => void): AsyncIterable<AuditEvent[]> {
    let batch: AuditEvent[] = [];
    let lineNumber = 0;
    // A missing log fails the first read (ENOENT): there are no events to move.
    const lines = createInterface({ input: createReadStream(this.auditPath), crlfDelay: Infinity });
    try {
      for await (const line of lines) {
        lineNumber++;
        if (line.trim() === '') continue;
        try {
          batch.push(JSON.parse(line) as AuditEvent);
        } catch {
          onBadLine(lineNumber);
          continue;
        }
        if (batch.length >= size) {
          yield batch;
          batch = [];
        }
      }
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
    if (batch.length > 0) yield batch;
  }

  async compact(): Promise<void> {
    const current = await this.load();
    if (current === undefined || current.walRecords === 0) return;
    await this.writeSnapshot(current.state, serializeState(current.state));
  }

  /** The files the commit-back (the Action, after apply) commits: the snapshot, its log and the audit log. */
  commitBackFiles(): string[] {
    return [this.location, this.display('state.wal'), this.eventsLocation];
  }

  /** Copies the stored state aside, once per store instance (one run), before its first change. */
  private async backup(): Promise<void> {
    if (this.backedUp) return;
    const current = await this.load();
    if (current !== undefined)
      await this.writeDurably(
        this.backupPath,
        current.walRecords === 0 ? current.snapshotText : serializeState(current.state),
      );
    this.backedUp = true;
  }

  private refuseIfMoved(current: KnownState | undefined, expectedSerial: number, lineage: string): void {
    const moved =
      current !== undefined
        ? current.state.serial !== expectedSerial || current.state.lineage !== lineage
        : expectedSerial !== 0;
    if (!moved) return;
    throw new StateConflictError(
      `${this.location} changed while this command ran (serial ${expectedSerial} → ${current?.state.serial ?? 0}${current !== undefined && current.state.lineage !== lineage ? ', another lineage' : ''}); nothing was written`,
      {
        hint: 'Another process wrote the state without holding the lock. Run the command again; it plans against the new state.',
      },
    );
  }

  /** Writes a whole snapshot, then empties the log it supersedes (a crash between leaves only stale records). */
  private async writeSnapshot(state: State, bytes: string): Promise<void> {
    await makeDirectory(this.options.stateDir);
    await this.writeDurably(this.statePath, bytes);
    await rm(this.walPath, { force: true });
    this.known = {
      snapshotSignature: await signature(this.statePath, this.location),
      walSignature: await signature(this.walPath, this.display('state.wal')),
      snapshotText: bytes,
      state: { ...state, exports: { ...state.exports } },
      walRecords: 0,
      tornBytes: 0,
    };
  }

  /** The state on disk: the snapshot plus the log records after it, read again only when the files changed. */
  private async load(): Promise<KnownState | undefined> {
    const [snapshotSignature, walSignature] = await Promise.all([
      signature(this.statePath, this.location),
      signature(this.walPath, this.display('state.wal')),
    ]);
    if (
      this.known !== undefined &&
      this.known.snapshotSignature === snapshotSignature &&
      this.known.walSignature === walSignature
    )
      return this.known;
    const snapshotText = await readIfExists(this.statePath);
    if (snapshotText === undefined) {
      this.known = undefined;
      return undefined;
    }
    const backupHint = this.display('state.json.backup');
    let state = parseState(snapshotText, this.location, backupHint);
    const walText = (await readIfExists(this.walPath)) ?? '';
    const replayed = replayLog(state, walText, this.display('state.wal'));
    if (replayed.records > 0)
      state = checkState(replayed.state, this.display('state.wal'), restoreFromBackupHint(backupHint));
    const tornBytes = Buffer.byteLength(walText.slice(walText.lastIndexOf('\n') + 1));
    this.known = { snapshotSignature, walSignature, snapshotText, state, walRecords: replayed.records, tornBytes };
    return this.known;
  }

  async tryLock(info: LockInfo, hooks: LockHooks = {}): Promise<LockAttempt> {
    await makeDirectory(this.options.stateDir);
    for (;;) {
      // The lock file's id is this grant's fence: a commit checks the file still names it.
      if (await this.tryCreateLock(info)) return { acquired: true, fence: info.id };
      const holder = await this.readLock();
      // Only a lock this host can prove abandoned (its pid is gone) is broken; then the lock is tried again.
      if (holder !== undefined && isStale(holder) && (await this.breakStaleLock(holder))) {
        hooks.onStaleLockBroken?.(holder);
        continue;
      }
      return { acquired: false, holder };
    }
  }

  async unlock(lockId: string): Promise<void> {
    await this.releaseIfOurs(lockId);
  }

  lockHolder(): Promise<LockInfo | undefined> {
    return this.readLock();
  }

  async forceUnlock(lockId: string): Promise<LockInfo> {
    const holder = await this.readLock();
    if (holder === undefined) {
      const exists = await stat(this.lockPath).then(
        () => true,
        () => false,
      );
      throw new StateConflictError(
        exists
          ? `${this.display('state.lock')} cannot be read, so its id cannot be checked`
          : 'the state is not locked',
        {
          hint: exists
            ? `If no cxone-exports command is running, remove ${this.display('state.lock')}.`
            : 'Nothing to do.',
        },
      );
    }
    if (holder.id !== lockId) {
      throw new StateConflictError(
        `lock ${lockId} is not the one held: the state is locked by ${holder.operation} (lock ${holder.id}, ${holder.who})`,
        {
          hint: `Check the id: cxone-exports state unlock ${holder.id} releases the current lock.`,
        },
      );
    }
    await rm(this.lockPath, { force: true });
    return holder;
  }

  /**
   * Creates the lock with its content in one step: the info is written to a private file, then hard-linked to
   * state.lock, which fails if it exists. A crash can never leave an empty or half-written lock behind. No fsync:
   * a lock lost to a power cut protects nothing anyway, and one that survives it belongs to a dead pid.
   */
  private async tryCreateLock(info: LockInfo): Promise<boolean> {
    const draft = `${this.lockPath}.${info.id}.tmp`;
    try {
      await writeFile(draft, `${JSON.stringify(info, null, 2)}\n`);
      await link(draft, this.lockPath);
      return true;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
      throw error;
    } finally {
      await rm(draft, { force: true });
    }
  }

  private async readLock(): Promise<LockInfo | undefined> {
    const text = await readIfExists(this.lockPath);
    if (text === undefined) return undefined;
    try {
      const info = JSON.parse(text) as LockInfo;
      return typeof info.id === 'string' && typeof info.pid === 'number' ? info : undefined;
    } catch {
      return undefined;
    }
  }

  /** Renaming is atomic, so of several processes that find the same stale lock only one breaks it. */
  private async breakStaleLock(holder: LockInfo): Promise<boolean> {
    const aside = `${this.lockPath}.stale-${randomUUID()}`;
    try {
      await rename(this.lockPath, aside);
    } catch {
      return false;
    }
    const moved = await readIfExists(aside);
    if (moved !== undefined && !moved.includes(holder.id)) {
      // Someone took a fresh lock between our read and our rename: put it back.
      await rename(aside, this.lockPath).catch(() => undefined);
      return false;
    }
    await rm(aside, { force: true });
    return true;
  }

  /** A writer whose lock file no longer names its grant (force-unlocked, then taken) writes nothing more. */
  private async refuseIfLockLost(fence: string): Promise<void> {
    const holder = await this.readLock();
    if (holder?.id === fence) return;
    throw new StateLockLostError(
      this.location,
      holder === undefined
        ? `${this.lockLocation} was removed`
        : `${this.lockLocation} now names ${holder.operation} (lock ${holder.id}, ${holder.who}, pid ${holder.pid})`,
    );
  }

  private async releaseIfOurs(id: string): Promise<void> {
    const holder = await this.readLock();
    if (holder?.id === id) await rm(this.lockPath, { force: true });
  }

  private async writeDurably(path: string, text: string): Promise<void> {
    await writeFileDurably(path, text);
  }
}

/** A lock held by a process that is gone, on this same host. Locks from other hosts are never judged. */
function isStale(holder: LockInfo): boolean {
  return holder.pid !== process.pid && !holderIsAlive(holder);
}

async function readIfExists(path: string): Promise<string | undefined> {
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

/** Applies the log records that follow the snapshot. A torn last line was never acknowledged, so it is skipped. */
function replayLog(snapshot: State, text: string, location: string): { state: State; records: number } {
  // The piece after the last newline is either empty or a torn line: either way, not a record.
  const complete = text.split('\n').slice(0, -1);
  let state = snapshot;
  let records = 0;
  complete.forEach((line, index) => {
    let record: WalRecord;
    try {
      record = JSON.parse(line) as WalRecord;
    } catch {
      throw new StateUnreadableError(`${location}:${index + 1} is not a JSON line`, {
        hint: 'The file was left untouched. Move it aside to fall back to state.json alone.',
      });
    }
    if (!isWalRecord(record)) {
      throw new StateUnreadableError(
        `${location}:${index + 1} is not a state log record (it needs lineage, serial, set and remove)`,
        { hint: 'The file was left untouched. Move it aside to fall back to state.json alone.' },
      );
    }
    // Records a snapshot already holds (a crash between the snapshot and emptying the log) are skipped.
    if (record.lineage !== state.lineage || record.serial <= state.serial) return;
    if (record.serial !== state.serial + 1)
      throw new StateUnreadableError(`${location}:${index + 1} jumps from serial ${state.serial} to ${record.serial}`, {
        hint: 'The file was left untouched. Move it aside to fall back to state.json alone.',
      });
    const exports = { ...state.exports, ...record.set };
    for (const name of record.remove) delete exports[name];
    state = { ...state, serial: record.serial, exports };
    records++;
  });
  return { state, records };
}

function isWalRecord(value: unknown): value is WalRecord {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return false;
  const record = value as Partial<WalRecord>;
  const setIsObject = record.set !== null && typeof record.set === 'object' && !Array.isArray(record.set);
  return (
    typeof record.lineage === 'string' &&
    Number.isInteger(record.serial) &&
    setIsObject &&
    Array.isArray(record.remove) &&
    record.remove.every((name) => typeof name === 'string')
  );
}

/** size, mtime and inode: a rename or an append changes it. Only a regular file is read at all. */
async function signature(path: string, shown: string): Promise<string> {
  try {
    const s = await stat(path, { bigint: true });
    if (!s.isFile()) await refuseIrregularFile(path, shown);
    return `${s.size}:${s.mtimeNs}:${s.ino}`;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return 'none';
    throw error;
  }
}
