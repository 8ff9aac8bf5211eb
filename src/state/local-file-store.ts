// The local file store: {stateDir}/state.json, written atomically and durably (temp file, fsync, rename, fsync
// of the directory), guarded by an exclusive lock file, backed up once per run before the first change.

import { randomUUID } from 'node:crypto';
import { mkdir, open, readFile, rename, rm, stat } from 'node:fs/promises';
import { hostname, userInfo } from 'node:os';
import { join } from 'node:path';
import writeFileAtomic from 'write-file-atomic';
import { toolVersion } from '../version.js';
import { StateConflictError, StateLockedError } from './state-errors.js';
import { parseState, serializeContent, withSerial } from './state-file-format.js';
import { emptyState } from './state-model.js';
import type { State } from './state-model.js';
import type { LockInfo, LockOptions, StateLock, StateSnapshot, StateStore } from './state-store.js';

export interface LocalFileStoreOptions {
  stateDir: string;
  /** How paths are shown in messages (relative to the working directory). */
  displayDir?: string;
  /** Test hook: runs after the temp file is written and before the rename, to simulate a crash there. */
  beforeRename?: () => Promise<void>;
}

export class LocalFileStore implements StateStore {
  readonly location: string;
  private readonly statePath: string;
  private readonly backupPath: string;
  private readonly lockPath: string;
  private readonly display: (file: string) => string;
  private backedUp = false;
  /** What this store last read or wrote, so a write need not parse and check 10,000 entries again. */
  private known: { text: string; serial: number; lineage: string } | undefined;

  constructor(private readonly options: LocalFileStoreOptions) {
    this.statePath = join(options.stateDir, 'state.json');
    this.backupPath = join(options.stateDir, 'state.json.backup');
    this.lockPath = join(options.stateDir, 'state.lock');
    this.display = (file) => (options.displayDir === undefined ? join(options.stateDir, file) : `${options.displayDir.replace(/\/$/, '')}/${file}`);
    this.location = this.display('state.json');
  }

  async read(): Promise<StateSnapshot> {
    const text = await readIfExists(this.statePath);
    if (text === undefined) return { state: emptyState(randomUUID()), exists: false };
    const state = parseState(text, this.location, this.display('state.json.backup'));
    this.known = { text, serial: state.serial, lineage: state.lineage };
    return { state, exists: true };
  }

  async write(next: State, expectedSerial: number): Promise<State> {
    const text = await readIfExists(this.statePath);
    // The common case: the file is still what this store last saw, and needs no parsing.
    if (text !== undefined && this.known?.text !== text) await this.read();
    const stored = text === undefined ? undefined : this.known!;
    const moved = stored !== undefined ? stored.serial !== expectedSerial || stored.lineage !== next.lineage : expectedSerial !== 0;
    if (moved) {
      throw new StateConflictError(`${this.location} changed while this command ran (serial ${expectedSerial} → ${stored?.serial ?? 0}${stored !== undefined && stored.lineage !== next.lineage ? ', another lineage' : ''}); nothing was written`, {
        hint: 'Another process wrote the state without holding the lock. Run the command again; it plans against the new state.',
      });
    }
    const content = serializeContent(next);
    // Unchanged content serializes to the very bytes on disk (a file formatted by another tool is rewritten).
    if (stored !== undefined && withSerial(content, stored.serial) === stored.text) return { ...next, serial: stored.serial };
    await this.backup();
    const written: State = { ...next, serial: expectedSerial + 1 };
    const bytes = withSerial(content, written.serial);
    await mkdir(this.options.stateDir, { recursive: true });
    await this.writeDurably(this.statePath, bytes);
    this.known = { text: bytes, serial: written.serial, lineage: written.lineage };
    return written;
  }

  async backup(): Promise<void> {
    if (this.backedUp) return;
    const text = await readIfExists(this.statePath);
    if (text !== undefined) await this.writeDurably(this.backupPath, text);
    this.backedUp = true;
  }

  async lock(operation: string, options: LockOptions): Promise<StateLock> {
    await mkdir(this.options.stateDir, { recursive: true });
    const user = safeUserName();
    const info: LockInfo = { id: randomUUID(), operation, who: `${user}@${hostname()}`, host: hostname(), pid: process.pid, created: new Date().toISOString(), version: toolVersion() };
    const started = Date.now();
    let delay = 100;
    for (;;) {
      if (await this.tryCreateLock(info)) return { info, release: () => this.releaseIfOurs(info.id) };
      const holder = await this.readLock();
      if (holder !== undefined && isStale(holder)) {
        if (await this.breakStaleLock(holder)) {
          options.onStaleLockBroken?.(holder);
          continue;
        }
      }
      const waited = Date.now() - started;
      if (waited >= options.timeoutMs) throw new StateLockedError(holder, this.display('state.lock'), options.timeoutMs > 0 ? waited : 0);
      if (holder !== undefined) options.onWait?.(holder);
      await sleep(Math.min(delay, options.timeoutMs - waited));
      delay = Math.min(delay * 2, 2_000);
    }
  }

  async unlock(lockId: string): Promise<LockInfo> {
    const holder = await this.readLock();
    if (holder === undefined) {
      const exists = await stat(this.lockPath).then(() => true, () => false);
      throw new StateConflictError(exists ? `${this.display('state.lock')} cannot be read, so its id cannot be checked` : 'the state is not locked', {
        hint: exists ? `If no cxone-exports command is running, remove ${this.display('state.lock')}.` : 'Nothing to do.',
      });
    }
    if (holder.id !== lockId) {
      throw new StateConflictError(`lock ${lockId} is not the one held: the state is locked by ${holder.operation} (lock ${holder.id}, ${holder.who})`, {
        hint: `Check the id: cxone-exports state unlock ${holder.id} releases the current lock.`,
      });
    }
    await rm(this.lockPath, { force: true });
    return holder;
  }

  private async tryCreateLock(info: LockInfo): Promise<boolean> {
    try {
      const handle = await open(this.lockPath, 'wx');
      try {
        await handle.writeFile(`${JSON.stringify(info, null, 2)}\n`);
        await handle.sync();
      } finally {
        await handle.close();
      }
      return true;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
      throw error;
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

  private async releaseIfOurs(id: string): Promise<void> {
    const holder = await this.readLock();
    if (holder?.id === id) await rm(this.lockPath, { force: true });
  }

  private async writeDurably(path: string, text: string): Promise<void> {
    if (this.options.beforeRename === undefined) {
      await writeFileAtomic(path, text, { fsync: true });
    } else {
      // The crash-test path: same temp-then-rename sequence, with a pause point before the rename.
      const temp = `${path}.tmp-${randomUUID()}`;
      const handle = await open(temp, 'w');
      await handle.writeFile(text);
      await handle.sync();
      await handle.close();
      await this.options.beforeRename();
      await rename(temp, path);
    }
    await fsyncDirectory(this.options.stateDir);
  }
}

/** A lock held by a process that is gone, on this same host. Locks from other hosts are never judged. */
function isStale(holder: LockInfo): boolean {
  if (holder.host !== hostname() || holder.pid === process.pid) return false;
  try {
    process.kill(holder.pid, 0);
    return false;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'ESRCH';
  }
}

async function fsyncDirectory(dir: string): Promise<void> {
  const handle = await open(dir, 'r');
  try {
    await handle.sync();
  } catch (error) {
    // Some file systems refuse fsync on a directory; the rename is still atomic there.
    if (!['EINVAL', 'EPERM', 'EISDIR'].includes((error as NodeJS.ErrnoException).code ?? '')) throw error;
  } finally {
    await handle.close();
  }
}

async function readIfExists(path: string): Promise<string | undefined> {
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

function safeUserName(): string {
  try {
    return userInfo().username;
  } catch {
    return process.env.USER ?? 'unknown';
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, Math.max(0, ms)));
}
