// The state lock on PostgreSQL, as a lease: a row naming the holder, the fencing token of its grant and when
// the lease ends (on the server's clock). It is taken, renewed and released in short transactions, so it lives in
// no database session and works through any connection pooler. The holder renews it every third of the lease
// while it runs; one that stops (killed, frozen, cut off) loses it when it ends, and the next run that waits
// takes it without `state unlock`. A holder that wakes finds its fence taken and writes nothing: every commit
// checks the fence in its own transaction (refuseIfFenced), and a holder that could not renew for a whole lease
// stops at once (refuseIfLost).

import { hostname } from 'node:os';
import { holderIsAlive } from '../lock-state.js';
import type { LockAttempt, LockHooks, LockInfo } from '../state-store.js';
import { StateLockLostError } from '../state-errors.js';
import { notLockedError, notTheHeldLockError } from '../lock-messages.js';
import type { PgDatabase, Transaction } from './pg-database.js';
import { advisoryKey } from './pg-schema.js';

export interface PgLeaseOptions {
  db: PgDatabase;
  /** The quoted schema, and the state's name in it. */
  schema: { quoted: string; name: string };
  state: string;
  /** How long a grant lasts without renewal (`backend.lockLease`). */
  leaseMs: number;
  /** The state's description, for messages. */
  location: string;
}

interface HeldLease {
  id: string;
  fence: string;
  /** Why it was lost, once it was. */
  lost: string | undefined;
  /** When it was last granted or renewed, on this process's monotonic clock (ms). */
  renewedAt: number;
  heartbeat: NodeJS.Timeout;
  renewing: boolean;
}

interface LockRow {
  info: LockInfo;
  fence: string | null;
  live: boolean;
  ends: string | null;
}

export class PgLease {
  private held: HeldLease | undefined;
  private readonly s: string;

  constructor(private readonly options: PgLeaseOptions) {
    this.s = options.schema.quoted;
  }

  /** Takes the lease if nobody holds a live one; one transaction, serialised per state. */
  async tryLock(info: LockInfo, hooks: LockHooks & { timeoutMs?: number } = {}): Promise<LockAttempt> {
    const { db, state, leaseMs } = this.options;
    // Waiting for a locked table takes no longer than the caller waits for the lock (a second at least).
    const timeout = Math.min(db.statementTimeoutMs, Math.max(1_000, hooks.timeoutMs ?? Infinity));
    const outcome = await db.transaction(async (tx) => {
      // Transaction-scoped, so poolers allow it: two takers of one state queue here for a moment.
      await tx.query('SELECT pg_advisory_xact_lock($1::bigint)', [this.key()]);
      const left = await this.row(tx);
      // A live lease is the holder's, unless the holder ran on this host and provably no longer does (a kill -9,
      // a crash): then waiting for the lease to end would gain nothing. Its fence still stops it, if it were.
      const gone = left !== undefined && left.info.host === hostname() && !holderIsAlive(left.info);
      if (left?.live === true && !gone) return { acquired: false as const, holder: described(left) };
      const granted = await tx.query<{ fence: string }>(
        `INSERT INTO ${this.s}.lock_fences (state, fence) VALUES ($1, 1)
         ON CONFLICT (state) DO UPDATE SET fence = ${this.s}.lock_fences.fence + 1 RETURNING fence::text AS fence`,
        [state],
      );
      const fence = granted.rows[0]!.fence;
      await tx.query(
        `INSERT INTO ${this.s}.locks (state, info, backend_pid, fence, expires_at)
         VALUES ($1, $2::json, NULL, $3, now() + $4 * interval '1 millisecond')
         ON CONFLICT (state) DO UPDATE SET info = EXCLUDED.info, backend_pid = NULL, fence = EXCLUDED.fence,
           expires_at = EXCLUDED.expires_at`,
        [state, JSON.stringify(info), fence, leaseMs],
      );
      // Told as a dead process's lock (no lease end) or as a lease that ended.
      const broken = left === undefined ? undefined : left.live ? left.info : described(left);
      return { acquired: true as const, fence, left: broken };
    }, timeout);
    if (!outcome.acquired) return outcome;
    this.hold(info.id, outcome.fence);
    if (outcome.left !== undefined) hooks.onStaleLockBroken?.(outcome.left);
    return { acquired: true, fence: outcome.fence };
  }

  /** Releases the lease if `lockId` still holds it; idempotent, and quiet when the database is out of reach. */
  async unlock(lockId: string): Promise<void> {
    const held = this.held;
    if (held === undefined || held.id !== lockId) return;
    this.held = undefined;
    clearInterval(held.heartbeat);
    try {
      await this.options.db.query(`DELETE FROM ${this.s}.locks WHERE state = $1 AND fence = $2`, [
        this.options.state,
        held.fence,
      ]);
    } catch {
      // Out of reach: the lease ends by itself.
    }
  }

  /** `state unlock`: removes the lease held under `lockId`, whoever holds it, live or not. */
  async forceUnlock(lockId: string): Promise<LockInfo> {
    const { rows } = await this.options.db.query<LockRow>(this.selectRow(), [this.options.state]);
    const row = rows[0];
    if (row === undefined) throw notLockedError();
    const holder = described(row);
    if (holder.id !== lockId) throw notTheHeldLockError(lockId, holder);
    await this.options.db.query(`DELETE FROM ${this.s}.locks WHERE state = $1 AND info->>'id' = $2`, [
      this.options.state,
      lockId,
    ]);
    return holder;
  }

  /**
   * Who holds a live lease now. A lease that ended is nobody's, nor is one whose holder ran on this host and
   * provably no longer does: a receiver waits only for a run that may still record what it sent.
   */
  async holder(): Promise<LockInfo | undefined> {
    const { rows } = await this.options.db.query<LockRow>(this.selectRow(), [this.options.state]);
    const row = rows[0];
    if (row?.live !== true || (row.info.host === hostname() && !holderIsAlive(row.info))) return undefined;
    return described(row);
  }

  /** Refuses at once, with nothing sent to the database, when this process knows it lost the lease. */
  refuseIfLost(fence: string): void {
    const held = this.held;
    if (held === undefined || held.fence !== fence)
      throw new StateLockLostError(this.options.location, 'this process no longer holds it');
    if (held.lost === undefined && monotonicMs() - held.renewedAt >= this.options.leaseMs)
      held.lost = `its lease of ${seconds(this.options.leaseMs)} s went unrenewed, so another run may hold it now`;
    if (held.lost !== undefined) throw new StateLockLostError(this.options.location, held.lost);
  }

  /** In a commit's transaction: the lease row must still name this grant (no take-over, no forced unlock). */
  async refuseIfFenced(tx: Transaction, fence: string): Promise<void> {
    const { rows } = await tx.query<{ fence: string | null; info: LockInfo }>(
      `SELECT fence::text AS fence, info FROM ${this.s}.locks WHERE state = $1 FOR SHARE`,
      [this.options.state],
    );
    const row = rows[0];
    if (row?.fence === fence) return;
    throw new StateLockLostError(
      this.options.location,
      row === undefined
        ? 'it was released by someone else (state unlock)'
        : `${row.info.operation} took it over (lock ${row.info.id}, ${row.info.who}, pid ${row.info.pid})`,
    );
  }

  async close(): Promise<void> {
    if (this.held !== undefined) await this.unlock(this.held.id);
  }

  private hold(id: string, fence: string): void {
    const heartbeat = setInterval(() => void this.renew(), Math.max(50, Math.floor(this.options.leaseMs / 3)));
    // The heartbeat never keeps a finished command alive.
    heartbeat.unref();
    this.held = { id, fence, lost: undefined, renewedAt: monotonicMs(), heartbeat, renewing: false };
  }

  /** One statement per third of the lease: the grant is extended, or found taken. */
  private async renew(): Promise<void> {
    const held = this.held;
    if (held === undefined || held.lost !== undefined || held.renewing) return;
    held.renewing = true;
    const started = monotonicMs();
    const { db, state, leaseMs } = this.options;
    try {
      const { rows } = await db.query(
        `UPDATE ${this.s}.locks SET expires_at = now() + $3 * interval '1 millisecond'
          WHERE state = $1 AND fence = $2 RETURNING fence`,
        [state, held.fence, leaseMs],
        Math.min(db.statementTimeoutMs, Math.max(1_000, Math.floor(leaseMs / 3))),
      );
      if (rows.length === 0) held.lost = 'it was taken over or released (state unlock) while this run held it';
      else held.renewedAt = started;
    } catch (error) {
      if (monotonicMs() - held.renewedAt >= leaseMs)
        held.lost = `its lease of ${seconds(leaseMs)} s could not be renewed (${(error as Error).message})`;
    } finally {
      held.renewing = false;
    }
  }

  private selectRow(): string {
    return `SELECT info, fence::text AS fence, coalesce(expires_at > now(), false) AS live,
              to_char(expires_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') AS ends
         FROM ${this.s}.locks WHERE state = $1`;
  }

  private async row(tx: Transaction): Promise<LockRow | undefined> {
    const { rows } = await tx.query<LockRow>(`${this.selectRow()} FOR UPDATE`, [this.options.state]);
    return rows[0];
  }

  private key(): string {
    return advisoryKey('state', this.options.schema.name, this.options.state);
  }
}

/** The holder as messages show it: with when its lease ends. */
function described(row: LockRow): LockInfo {
  return row.ends === null ? row.info : { ...row.info, leaseEnds: row.ends };
}

function monotonicMs(): number {
  return Number(process.hrtime.bigint() / 1_000_000n);
}

function seconds(ms: number): number {
  return Math.round(ms / 100) / 10;
}
