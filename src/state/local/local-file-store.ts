// The local file store: {stateDir}/state.json, written atomically and durably (temp file, fsync, rename, fsync
// of the directory), guarded by an exclusive lock file, backed up once per run before the first change.
// Small changes to a large state (a callback, one export's result) are appended to state.wal and fsynced, so
// 10,000 entries are not rewritten per event; a snapshot write (apply's last step, serve's compaction) folds
// the log back into state.json.

import { join } from 'node:path';
import { appendDurably, writeFileDurably } from '../../files/durable-write.js';
import { makeDirectory, refuseIrregularFile } from '../../files/file-kind.js';
import { StateConflictError } from '../state-errors.js';
import {
  checkState,
  parseState,
  restoreFromBackupHint,
  serializeContent,
  serializeState,
  withSerial,
} from '../state-file-format.js';
import { emptyState } from '../state-model.js';
import type { State } from '../state-model.js';
import type { AuditEvent } from '../../audit/audit-event.js';
import { signHead } from '../../audit/audit-chain.js';
import type { AuditHead } from '../../audit/audit-chain.js';
import { auditLogPath } from '../../audit/audit-log.js';
import type { AuditLog } from '../../audit/audit-log.js';
import type { ScanOptions, ScanSummary } from '../../audit/scan-audit-log.js';
import { checkOwner, ownerOf, ownerToRecord } from '../state-owner.js';
import type { StateOwner } from '../state-owner.js';
import type {
  ChainedAudit,
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
} from '../state-store.js';
import { LocalAuditFile } from './local-audit-file.js';
import { LockFile } from './lock-file.js';
import { readIfExists } from './read-if-exists.js';
import { replayStateLog, stateLogLine, tornTailBytes } from './state-log.js';
import type { StateLogRecord } from './state-log.js';
import { crypto, fsPromises } from '../../on-first-use.js';

export interface LocalFileStoreOptions extends OwnerOptions {
  stateDir: string;
  /** How paths are shown in messages (relative to the working directory). */
  displayDir?: string;
  /** The audit log of this state; `{stateDir}/audit.jsonl` by default. */
  auditPath?: string;
  /** The key that signs the audit chain's head in the state (CXONE_AUDIT_KEY), when one is set. */
  auditKey?: string | undefined;
  /** False only to measure what the chain costs (`npm run bench`, CXONE_EXPORTS_BENCH_UNCHAINED). */
  chainAudit?: boolean;
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

export class LocalFileStore implements StateStore, StateCompaction, CommitBackFiles, ChainedAudit {
  readonly headCoversAll = false;
  readonly location: string;
  readonly lockLocation: string;
  readonly unknownHolderHint: string;
  readonly eventsLocation: string;
  private readonly statePath: string;
  private readonly walPath: string;
  private readonly backupPath: string;
  private readonly lockFile: LockFile;
  private readonly display: (file: string) => string;
  private backedUp = false;
  private known: KnownState | undefined;
  private readonly audit: LocalAuditFile;

  constructor(private readonly options: LocalFileStoreOptions) {
    this.statePath = join(options.stateDir, 'state.json');
    this.walPath = join(options.stateDir, 'state.wal');
    this.backupPath = join(options.stateDir, 'state.json.backup');
    this.display = (file) =>
      options.displayDir === undefined
        ? join(options.stateDir, file)
        : `${options.displayDir.replace(/\/$/, '')}/${file}`;
    this.location = this.display('state.json');
    this.lockLocation = this.display('state.lock');
    this.unknownHolderHint = `If no cxone-exports command is running, remove ${this.lockLocation}.`;
    this.eventsLocation = options.auditPath ?? this.display('audit.jsonl');
    this.audit = new LocalAuditFile(
      options.auditPath ?? auditLogPath(options.stateDir),
      this.eventsLocation,
      options.chainAudit ?? true,
    );
    this.lockFile = new LockFile({
      stateDir: options.stateDir,
      path: join(options.stateDir, 'state.lock'),
      shown: this.lockLocation,
      stateShown: this.location,
    });
  }

  async read(): Promise<StateSnapshot> {
    const current = await this.load();
    if (current === undefined) return { state: emptyState(crypto().randomUUID()), exists: false };
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
  private async patch(changes: StatePatch, expectedSerial: number, head: AuditHead): Promise<number> {
    const current = await this.load();
    this.refuseIfMoved(current, expectedSerial, changes.lineage);
    // No log yet (seq 0): nothing to record, and a head recorded before stays (a log removed since shows).
    const auditHead = head.seq === 0 ? current?.state.auditHead : this.signed(head, changes.lineage);
    const withHead = auditHead === undefined ? {} : { auditHead };
    if (current === undefined) {
      // The first write of a state is a whole snapshot, with its owner; the log only ever extends one.
      const owner = ownerToRecord(undefined, this.options.owner)?.owner;
      const state: State = {
        ...emptyState(changes.lineage),
        ...owner,
        ...withHead,
        exports: { ...changes.set },
      };
      return (await this.write(state, expectedSerial)).serial;
    }
    const recorded = ownerToRecord(current.state, this.options.owner);
    if (recorded !== undefined) {
      // Recording an owner rewrites the snapshot, once: the log's records carry entries only.
      const exports = { ...current.state.exports, ...changes.set };
      for (const name of changes.remove) delete exports[name];
      const written = await this.write({ ...current.state, ...recorded.owner, ...withHead, exports }, expectedSerial);
      if (recorded.adopted) this.options.onAdopted?.(recorded.owner);
      return written.serial;
    }
    await this.backup();
    if (current.tornBytes > 0) {
      // Appending after a torn fragment would glue the new record to it: cut the fragment off first.
      const size = (await fsPromises().stat(this.walPath)).size;
      await fsPromises().truncate(this.walPath, size - current.tornBytes);
      current.tornBytes = 0;
    }
    const record: StateLogRecord = {
      lineage: changes.lineage,
      serial: expectedSerial + 1,
      set: changes.set,
      remove: changes.remove,
      ...(auditHead === undefined ? {} : { head: auditHead }),
    };
    // All of the record or none of it: a failed append is cut back, and the error reaches the caller.
    await appendDurably(this.walPath, stateLogLine(record));
    // The cached map is the store's own (readers get copies), so it is updated in place: no 10,000-key copy.
    const exports = current.state.exports;
    Object.assign(exports, changes.set);
    for (const name of changes.remove) delete exports[name];
    this.known = {
      ...current,
      state: { ...current.state, serial: record.serial, ...withHead, exports },
      walRecords: current.walRecords + 1,
      walSignature: await signature(this.walPath, this.display('state.wal')),
    };
    return record.serial;
  }

  async commit(change: StateCommit, expectedSerial: number, guard?: CommitGuard): Promise<number> {
    // Refused before anything is written, so a stale commit leaves neither events nor entries behind.
    if (guard !== undefined) await this.lockFile.refuseIfLost(guard.fence);
    const current = await this.load();
    this.refuseIfMoved(current, expectedSerial, change.lineage);
    if (current !== undefined) checkOwner(current.state, this.options.owner, this.location);
    if (Object.keys(change.set).length === 0 && change.remove.length === 0) {
      await this.appendEvents(change.events);
      return expectedSerial;
    }
    // The events first, fsynced: a crash before the entries leaves a line that says what was about to happen.
    // The state's write then records the chain's head after them.
    const head = await this.audit.append(change.events, current?.state.auditHead);
    return this.patch({ lineage: change.lineage, set: change.set, remove: change.remove }, expectedSerial, head);
  }

  async appendEvents(events: readonly AuditEvent[]): Promise<void> {
    if (events.length === 0) return;
    await this.audit.append(events, (await this.load())?.state.auditHead);
  }

  /** The head the state records, and what its signature binds (the lineage); undefined before any state. */
  async recordedAuditHead(): Promise<{ head: AuditHead | undefined; scope: string } | undefined> {
    const current = await this.load();
    if (current === undefined) return undefined;
    return { head: current.state.auditHead, scope: current.state.lineage };
  }

  /** The audit log's bytes as stored, for `audit verify`. */
  streamAuditLog(write: (chunk: Buffer) => Promise<void> | void, stop?: () => boolean): Promise<void> {
    return this.audit.stream(write, stop);
  }

  /** Opens the audit log once, moving a line torn by a crash aside; says how many bytes were moved. */
  openAuditLog(): Promise<{ log: AuditLog; repairedBytes: number }> {
    return this.audit.open();
  }

  scanEvents(options: ScanOptions): Promise<ScanSummary> {
    return this.audit.scan(options);
  }

  /**
   * The audit events in order, in batches of `size`, for moving them elsewhere; a line that is not an event is
   * counted by `onBadLine` and left out.
   */
  eventBatches(size: number, onBadLine: (lineNumber: number) => void): AsyncIterable<AuditEvent[]> {
    return this.audit.batches(size, onBadLine);
  }

  /** Folds the log into state.json, recording the audit chain's head as it is now (lines appended since). */
  async compact(): Promise<void> {
    const current = await this.load();
    if (current === undefined) return;
    const tail = await this.audit.head();
    const recorded = current.state.auditHead;
    // Only forward: a log that ends before the recorded head lost its tail, and the head keeps saying so.
    const moved = tail.seq > (recorded?.seq ?? 0);
    if (current.walRecords === 0 && !moved) return;
    const state = moved ? { ...current.state, auditHead: this.signed(tail, current.state.lineage) } : current.state;
    await this.writeSnapshot(state, serializeState(state));
  }

  /** The head as the state records it: signed when a key is set, bound to the lineage. */
  private signed(head: AuditHead, lineage: string): AuditHead {
    return signHead(head, lineage, this.options.auditKey);
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
      await writeFileDurably(
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
    await writeFileDurably(this.statePath, bytes);
    await fsPromises().rm(this.walPath, { force: true });
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
    const replayed = replayStateLog(state, walText, this.display('state.wal'));
    if (replayed.records > 0)
      state = checkState(replayed.state, this.display('state.wal'), restoreFromBackupHint(backupHint));
    const tornBytes = tornTailBytes(walText);
    this.known = { snapshotSignature, walSignature, snapshotText, state, walRecords: replayed.records, tornBytes };
    return this.known;
  }

  tryLock(info: LockInfo, hooks: LockHooks = {}): Promise<LockAttempt> {
    return this.lockFile.tryLock(info, hooks);
  }

  unlock(lockId: string): Promise<void> {
    return this.lockFile.unlock(lockId);
  }

  lockHolder(): Promise<LockInfo | undefined> {
    return this.lockFile.holder();
  }

  forceUnlock(lockId: string): Promise<LockInfo> {
    return this.lockFile.forceUnlock(lockId);
  }
}

/** size, mtime and inode: a rename or an append changes it. Only a regular file is read at all. */
async function signature(path: string, shown: string): Promise<string> {
  try {
    const s = await fsPromises().stat(path, { bigint: true });
    if (!s.isFile()) await refuseIrregularFile(path, shown);
    return `${s.size}:${s.mtimeNs}:${s.ino}`;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return 'none';
    throw error;
  }
}
