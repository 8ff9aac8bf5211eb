// The local backend's lock: {stateDir}/state.lock, a JSON file naming its holder, created in one step and broken
// only when this host can prove its holder gone.

import { makeDirectory } from '../../files/file-kind.js';
import { notLockedError, notTheHeldLockError } from '../lock-messages.js';
import { holderIsAlive } from '../lock-state.js';
import { StateConflictError, StateLockLostError } from '../state-errors.js';
import type { LockAttempt, LockHooks, LockInfo } from '../state-store.js';
import { readIfExists } from './read-if-exists.js';
import { crypto, fsPromises } from '../../on-first-use.js';

export interface LockFileOptions {
  /** The folder that holds state.lock, made when missing. */
  stateDir: string;
  path: string;
  /** How the lock file and the state it guards are named in messages. */
  shown: string;
  stateShown: string;
}

export class LockFile {
  constructor(private readonly options: LockFileOptions) {}

  async tryLock(info: LockInfo, hooks: LockHooks = {}): Promise<LockAttempt> {
    await makeDirectory(this.options.stateDir);
    for (;;) {
      // The lock file's id is this grant's fence: a commit checks the file still names it.
      if (await this.tryCreate(info)) return { acquired: true, fence: info.id };
      const holder = await this.holder();
      // Only a lock this host can prove abandoned (its pid is gone) is broken; then the lock is tried again.
      if (holder !== undefined && isStale(holder) && (await this.breakStale(holder))) {
        hooks.onStaleLockBroken?.(holder);
        continue;
      }
      return { acquired: false, holder };
    }
  }

  /** Releases the lock if it is still the one granted under `id` (a broken and retaken lock is not ours). */
  async unlock(id: string): Promise<void> {
    const holder = await this.holder();
    if (holder?.id === id) await fsPromises().rm(this.options.path, { force: true });
  }

  /** Who the lock file names; undefined when there is none, or it cannot be read. */
  async holder(): Promise<LockInfo | undefined> {
    const text = await readIfExists(this.options.path);
    if (text === undefined) return undefined;
    try {
      const info = JSON.parse(text) as LockInfo;
      return typeof info.id === 'string' && typeof info.pid === 'number' ? info : undefined;
    } catch {
      return undefined;
    }
  }

  async forceUnlock(lockId: string): Promise<LockInfo> {
    const holder = await this.holder();
    if (holder === undefined) {
      const exists = await fsPromises()
        .stat(this.options.path)
        .then(
          () => true,
          () => false,
        );
      if (!exists) throw notLockedError();
      throw new StateConflictError(`${this.options.shown} cannot be read, so its id cannot be checked`, {
        hint: `If no cxone-exports command is running, remove ${this.options.shown}.`,
      });
    }
    if (holder.id !== lockId) throw notTheHeldLockError(lockId, holder);
    await fsPromises().rm(this.options.path, { force: true });
    return holder;
  }

  /** A writer whose lock file no longer names its grant (force-unlocked, then taken) writes nothing more. */
  async refuseIfLost(fence: string): Promise<void> {
    const holder = await this.holder();
    if (holder?.id === fence) return;
    throw new StateLockLostError(
      this.options.stateShown,
      holder === undefined
        ? `${this.options.shown} was removed`
        : `${this.options.shown} now names ${holder.operation} (lock ${holder.id}, ${holder.who}, pid ${holder.pid})`,
    );
  }

  /**
   * Creates the lock with its content in one step: the info is written to a private file, then hard-linked to
   * state.lock, which fails if it exists. A crash can never leave an empty or half-written lock behind. No fsync:
   * a lock lost to a power cut protects nothing anyway, and one that survives it belongs to a dead pid.
   */
  private async tryCreate(info: LockInfo): Promise<boolean> {
    const draft = `${this.options.path}.${info.id}.tmp`;
    try {
      await fsPromises().writeFile(draft, `${JSON.stringify(info, null, 2)}\n`);
      await fsPromises().link(draft, this.options.path);
      return true;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
      throw error;
    } finally {
      await fsPromises().rm(draft, { force: true });
    }
  }

  /** Renaming is atomic, so of several processes that find the same stale lock only one breaks it. */
  private async breakStale(holder: LockInfo): Promise<boolean> {
    const aside = `${this.options.path}.stale-${crypto().randomUUID()}`;
    try {
      await fsPromises().rename(this.options.path, aside);
    } catch {
      return false;
    }
    const moved = await readIfExists(aside);
    if (moved !== undefined && !moved.includes(holder.id)) {
      // Someone took a fresh lock between our read and our rename: put it back.
      await fsPromises()
        .rename(aside, this.options.path)
        .catch(() => undefined);
      return false;
    }
    await fsPromises().rm(aside, { force: true });
    return true;
  }
}

/** A lock held by a process that is gone, on this same host. Locks from other hosts are never judged. */
function isStale(holder: LockInfo): boolean {
  return holder.pid !== process.pid && !holderIsAlive(holder);
}
