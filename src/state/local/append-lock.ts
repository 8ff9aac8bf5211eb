// Who may append to the audit log right now: a lock held for one append (an fdatasync), so a receiver's
// refused-callback lines and another process's apply never chain onto the same line. The lock is a symbolic link
// whose target names its holder (pid, host, id): made and read in one step each, so taking and releasing it cost
// two system calls. A holder gone from this host (kill -9 mid-append) is broken at once.

import { symlinkSync, unlinkSync } from 'node:fs';
import { hostname } from 'node:os';
import { holderIsAlive } from '../lock-state.js';
import type { LockInfo } from '../state-store.js';
import { crypto, fsPromises } from '../../on-first-use.js';

/** How long an append waits for another: far longer than any append takes. */
const WAIT_MS = 30_000;

interface Holder {
  pid: number;
  host: string;
  id: string;
}

export class AppendLock {
  /** Appends of this process, one after another: the file lock is never contended within a process. */
  private queue: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly path: string,
    private readonly shown: string,
  ) {}

  /** Runs `append` holding the lock; appends of this process queue, others are waited for. */
  hold<T>(append: () => Promise<T>): Promise<T> {
    const run = this.queue.then(async () => {
      const id = crypto().randomUUID();
      await this.take({ pid: process.pid, host: hostname(), id });
      try {
        return await append();
      } finally {
        try {
          unlinkSync(this.path);
        } catch {
          // Broken by another process as abandoned: nothing of ours is left to remove.
        }
      }
    });
    this.queue = run.catch(() => undefined);
    return run;
  }

  private async take(holder: Holder): Promise<void> {
    // Time waited, counted in the pauses themselves: the lock is held for one append, never for long.
    let waited = 0;
    for (let delay = 1; ; delay = Math.min(delay * 2, 50)) {
      try {
        // Synchronous: a few microseconds, and no trip through the thread pool twice per append.
        symlinkSync(`${holder.pid}@${holder.host}#${holder.id}`, this.path);
        return;
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      }
      if (await this.breakIfAbandoned()) continue;
      if (waited > WAIT_MS)
        throw new Error(
          `${this.shown} has been held for ${WAIT_MS / 1000} s by another append; if no cxone-exports command is running, remove it`,
        );
      await new Promise((resolve) => setTimeout(resolve, delay));
      waited += delay;
    }
  }

  /** Removes a lock whose holder is gone from this host; a lock from another host is only waited for. */
  private async breakIfAbandoned(): Promise<boolean> {
    const named = await fsPromises()
      .readlink(this.path)
      .catch(() => undefined);
    // Gone meanwhile: the next try takes it.
    const parts = named === undefined ? null : /^(\d+)@(.*)#(.+)$/.exec(named);
    if (parts === null) return false;
    const holder: Holder = { pid: Number(parts[1]), host: parts[2]!, id: parts[3]! };
    if (holder.pid === process.pid || holderIsAlive({ host: holder.host, pid: holder.pid } as LockInfo)) return false;
    const aside = `${this.path}.stale-${crypto().randomUUID()}`;
    try {
      await fsPromises().rename(this.path, aside);
    } catch {
      return false;
    }
    const moved = await fsPromises()
      .readlink(aside)
      .catch(() => '');
    if (!moved.includes(holder.id))
      await fsPromises()
        .rename(aside, this.path)
        .catch(() => undefined);
    else await fsPromises().rm(aside, { force: true });
    return true;
  }
}
