// Taking a state's lock, with waiting, the same for every backend: try, and while someone holds it, wait 1 s,
// then 2, 4, 8 and 16 s between tries (Terraform's LockWithContext), up to the caller's timeout.

import { readFileSync } from 'node:fs';
import { hostname, userInfo } from 'node:os';
import type { Clock } from '../clock.js';
import { toolVersion } from '../version.js';
import { StateLockedError } from './state-errors.js';
import type { LockInfo, LockOptions, StateLock, StateLocker } from './state-store.js';
import { crypto } from '../on-first-use.js';

const FIRST_DELAY_MS = 1_000;
const MAX_DELAY_MS = 16_000;

export interface LockWaitOptions extends LockOptions {
  /** The clock for the lock's start and the waiting (the command's; tests drive their own). */
  clock: Clock;
}

/** Takes the lock for `operation`, waiting up to `options.timeoutMs`; throws StateLockedError naming the holder. */
export async function lockState(locker: StateLocker, operation: string, options: LockWaitOptions): Promise<StateLock> {
  const { clock } = options;
  const info = lockInfo(operation, clock.now());
  const started = clock.now();
  for (let delay = FIRST_DELAY_MS; ; delay = Math.min(delay * 2, MAX_DELAY_MS)) {
    const attempt = await locker.tryLock(info, options);
    if (attempt.acquired) return { info, fence: attempt.fence, release: () => locker.unlock(info.id) };
    const waited = clock.now() - started;
    if (waited >= options.timeoutMs) {
      throw new StateLockedError(
        attempt.holder,
        locker.lockLocation,
        options.timeoutMs > 0 ? waited : 0,
        attempt.holderAlive === true,
        locker.unknownHolderHint,
      );
    }
    if (attempt.holder !== undefined) options.onWait?.(attempt.holder);
    await clock.sleep(Math.min(delay, options.timeoutMs - waited));
  }
}

/** Who asks for the lock, and what for: shown to anyone who finds the state locked. */
export function lockInfo(operation: string, now: number): LockInfo {
  const host = hostname();
  return {
    id: crypto().randomUUID(),
    operation,
    who: `${userName()}@${host}`,
    host,
    pid: process.pid,
    created: new Date(now).toISOString(),
    version: toolVersion(),
    ...optional('processStart', processStart(process.pid)),
  };
}

/**
 * Whether a lock's holder provably still runs: on this host, with its pid alive and, where the system says, the
 * same process start (a pid the kernel reused belongs to another process). A holder on another host cannot be
 * judged, so it counts as alive.
 */
export function holderIsAlive(holder: LockInfo): boolean {
  if (holder.host !== hostname()) return true;
  try {
    process.kill(holder.pid, 0);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ESRCH') return false;
  }
  const start = processStart(holder.pid);
  return holder.processStart === undefined || start === undefined || start === holder.processStart;
}

/** The kernel's start time of a process (field 22 of /proc/PID/stat, in clock ticks since boot), if it says. */
function processStart(pid: number): string | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) is in parentheses and may hold spaces: count the fields after its end.
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19];
  } catch {
    return undefined;
  }
}

function optional<K extends string>(key: K, value: string | undefined): Partial<Record<K, string>> {
  return value === undefined ? {} : ({ [key]: value } as Record<K, string>);
}

let cachedUser: string | undefined;

function userName(): string {
  try {
    cachedUser ??= userInfo().username;
  } catch {
    // No passwd entry (a container running as an arbitrary uid).
    cachedUser = 'unknown';
  }
  return cachedUser;
}
