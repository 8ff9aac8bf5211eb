// The PostgreSQL backend: one named state in a schema shared by a team. One row per export entry (receivers
// change single entries in short transactions, without the state lock), the audit events as rows, and a session
// advisory lock held on a connection of its own for as long as the lock is held, with a row saying who holds it.
// Every commit is one transaction: the events and the entries together, or neither.

import { createHash, randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import pg from 'pg';
import { to as copyTo } from 'pg-copy-streams';
import type { PoolClient } from 'pg';
import type { AuditEvent } from '../../audit/audit-event.js';
import type { ScanOptions, ScanSummary } from '../../audit/scan-audit-log.js';
import { ExternalError, UsageError } from '../../errors.js';
import { toolVersion } from '../../version.js';
import { StateConflictError, StateLockLostError, StateUnreadableError } from '../state-errors.js';
import { holderIsAlive } from '../lock-state.js';
import { checkState } from '../state-file-format.js';
import { emptyState, STATE_VERSION } from '../state-model.js';
import type { ExportState, State } from '../state-model.js';
import { checkOwner, ownerOf, ownerToRecord } from '../state-owner.js';
import type { StateOwner } from '../state-owner.js';
import type {
  AuditExport,
  BackendSetup,
  Closeable,
  CommitGuard,
  ConcurrentCommits,
  LockAttempt,
  LockHooks,
  LockInfo,
  OwnerOptions,
  StateCommit,
  StateImport,
  StateSnapshot,
  StateStore,
} from '../state-store.js';
import { describePgError } from './pg-connection.js';
import type { PgConnection } from './pg-connection.js';
import { PG_SCHEMA_VERSION, quoteIdentifier, schemaSql, TABLES, tablesSql, upgradeSql } from './pg-schema.js';

export interface PgStoreOptions extends OwnerOptions {
  connection: PgConnection;
  schema: string;
  stateName: string;
  /** For roles that may not create: a missing schema is an error that prints the SQL to run. */
  skipSchemaCreation: boolean;
  /** The longest a statement may run or wait for a lock (`backend.statementTimeout`); 30 s by default. */
  statementTimeoutMs?: number;
}

/** What a try at the lock is told: the hooks, and how long the caller waits for the lock at most. */
type LockOptionsOfTry = LockHooks & { timeoutMs?: number };

/** The columns of a state's row, as `StateRow` holds them (the table is aliased `s`). */
const STATE_COLUMNS = 's.lineage, s.serial::text AS serial, s.format_version, s.environment, s.tenant_id';

interface StateRow {
  lineage: string;
  serial: string;
  format_version: number;
  environment: string | null;
  tenant_id: string | null;
}

interface StoredHeader extends StateOwner {
  lineage: string;
  serial: number;
  formatVersion: number;
}

/** At most 4 connections per process: 3 pooled, and the lock's own while a lock is held. */
const POOL_SIZE = 3;
/** Events read per query when scanning, so a large log streams in bounded memory. */
const SCAN_PAGE = 5_000;

export class PgStore implements StateStore, ConcurrentCommits, Closeable, BackendSetup, StateImport, AuditExport {
  readonly location: string;
  readonly lockLocation: string;
  readonly unknownHolderHint: string;
  readonly eventsLocation: string;
  readonly concurrentCommits = true;
  private readonly pool: pg.Pool;
  private readonly s: string;
  private readonly state: string;
  /** Settles once the tables are usable; true when this process created them. */
  private ready: Promise<boolean> | undefined;
  /** The lock this process holds: its session, its grant, and why it was lost, once it was. */
  private held: { client: pg.Client; id: string; fence: string; lost: string | undefined } | undefined;

  constructor(private readonly options: PgStoreOptions) {
    const { where } = options.connection;
    this.s = quoteIdentifier(options.schema);
    this.state = options.stateName;
    this.location = `PostgreSQL ${where}, state ${options.schema}.${options.stateName}`;
    this.lockLocation = `the lock of ${this.location}`;
    // The advisory lock is held, but its row is not there yet (a take being made right now) or was removed.
    this.unknownHolderHint =
      "Run the command again in a moment: a lock being taken writes its holder at once. If it stays so, find the session that holds it: SELECT pid, client_addr, backend_start FROM pg_stat_activity WHERE application_name = 'cxone-exports lock'; ending it (SELECT pg_terminate_backend(pid)) releases the lock.";
    this.eventsLocation = `the audit events of ${this.location}`;
    this.pool = new pg.Pool({
      ...this.sessionConfig(),
      max: POOL_SIZE,
      connectionTimeoutMillis: 10_000,
      idleTimeoutMillis: 10_000,
      application_name: 'cxone-exports',
    });
    // An idle connection that dies (a restart, a lost network) is dropped; the next query opens a new one.
    this.pool.on('error', () => undefined);
    // A connection in use that dies (pg_terminate_backend, a failover) fails its query, which is reported; the
    // 'error' it also emits must not go unheard, or it would end the process (a receiver serving others).
    this.pool.on('connect', (client) => client.on('error', () => undefined));
  }

  async read(): Promise<StateSnapshot> {
    await this.schemaReady();
    const { rows } = await this.query<
      StateRow & {
        name: string | null;
        entry: string | null;
      }
    >(
      `SELECT ${STATE_COLUMNS}, e.name, e.entry::text AS entry
         FROM ${this.s}.states s LEFT JOIN ${this.s}.entries e ON e.state = s.name AND e.entry IS NOT NULL
        WHERE s.name = $1 ORDER BY e.name COLLATE "C"`,
      [this.state],
    );
    const first = rows[0];
    if (first === undefined) return { state: emptyState(randomUUID()), exists: false };
    const header = this.stateHeader(first);
    const exports: Record<string, ExportState> = {};
    for (const row of rows)
      if (row.name !== null && row.entry !== null) exports[row.name] = JSON.parse(row.entry) as ExportState;
    const state = checkState(
      { version: first.format_version, ...ownerOf(header), lineage: header.lineage, serial: header.serial, exports },
      this.location,
      'Nothing was changed. Repair the entry named above with SQL, or remove it: cxone-exports state rm NAME.',
    );
    return { state, exists: true };
  }

  async storedOwner(): Promise<StateOwner | undefined> {
    await this.schemaReady();
    const { rows } = await this.query<StateRow>(`SELECT ${STATE_COLUMNS} FROM ${this.s}.states s WHERE s.name = $1`, [
      this.state,
    ]);
    return rows[0] === undefined ? undefined : ownerOf(this.stateHeader(rows[0]));
  }

  async readIfChanged(serial: number, lineage: string): Promise<StateSnapshot | undefined> {
    await this.schemaReady();
    const { rows } = await this.query<{ lineage: string; serial: string }>(
      `SELECT lineage, serial::text AS serial FROM ${this.s}.states WHERE name = $1`,
      [this.state],
    );
    const row = rows[0];
    if (row !== undefined && Number(row.serial) === serial && row.lineage === lineage) return undefined;
    return this.read();
  }

  /** A state row as the store works with it: refused when newer than this tool, or another environment's. */
  private stateHeader(row: StateRow): StoredHeader {
    if (row.format_version > STATE_VERSION) throw this.newerState(row.format_version);
    const header: StoredHeader = {
      lineage: row.lineage,
      serial: Number(row.serial),
      formatVersion: row.format_version,
      ...(row.environment === null ? {} : { environment: row.environment }),
      ...(row.tenant_id === null ? {} : { tenantId: row.tenant_id }),
    };
    checkOwner(header, this.options.owner, this.location);
    return header;
  }

  /**
   * One transaction. The state row is locked (commits of one state queue for it, briefly), then refused when
   * the lineage differs, when `expectedSerial` is ahead of the stored serial, or when an entry it changes was
   * changed after `expectedSerial` (compare-and-swap per entry, so receivers and apply can commit side by side).
   */
  async commit(change: StateCommit, expectedSerial: number, guard?: CommitGuard): Promise<number> {
    if (guard !== undefined) this.refuseIfLockLost(guard.fence);
    await this.schemaReady();
    let adopted: StateOwner | undefined;
    const serial = await this.transaction(async (client) => {
      // Under the lock, the same transaction checks the lock is still ours: a holder that lost it writes nothing.
      if (guard !== undefined) await this.refuseIfFenced(client, guard.fence);
      let current = await this.lockStateRow(client);
      if (current === undefined) {
        if (expectedSerial !== 0) throw this.conflict(expectedSerial, 0, 'the state does not exist');
        // A new state records its owner at once.
        const owner = ownerToRecord(undefined, this.options.owner)?.owner;
        await client.query(
          `INSERT INTO ${this.s}.states (name, lineage, serial, format_version, environment, tenant_id)
           VALUES ($1, $2, 0, $3, $4, $5) ON CONFLICT (name) DO NOTHING`,
          [this.state, change.lineage, STATE_VERSION, owner?.environment ?? null, owner?.tenantId ?? null],
        );
        current = (await this.lockStateRow(client))!;
      }
      if (current.lineage !== change.lineage) throw this.conflict(expectedSerial, current.serial, 'another lineage');
      if (expectedSerial > current.serial) throw this.conflict(expectedSerial, current.serial, 'ahead of the state');
      const names = [...Object.keys(change.set), ...change.remove];
      if (names.length > 0) {
        const moved = await client.query<{ name: string }>(
          `SELECT name FROM ${this.s}.entries WHERE state = $1 AND name = ANY($2::text[]) AND serial > $3
           ORDER BY name COLLATE "C"`,
          [this.state, names, expectedSerial],
        );
        if (moved.rows.length > 0)
          throw this.conflict(
            expectedSerial,
            current.serial,
            `changed meanwhile: ${moved.rows.map((r) => r.name).join(', ')}`,
          );
      }
      await this.insertEvents(client, change.events);
      if (names.length === 0) return current.serial;
      const next = current.serial + 1;
      const recorded = ownerToRecord(current, this.options.owner);
      if (recorded !== undefined) {
        await client.query(`UPDATE ${this.s}.states SET environment = $2, tenant_id = $3 WHERE name = $1`, [
          this.state,
          recorded.owner.environment,
          recorded.owner.tenantId ?? null,
        ]);
        // Said once the transaction has committed (below), never for a write that was rolled back.
        if (recorded.adopted) adopted = recorded.owner;
      }
      // The entries as one JSON document, split by PostgreSQL: an array of JSON texts would have pg escape every
      // quote of every entry.
      if (Object.keys(change.set).length > 0)
        await client.query(
          `INSERT INTO ${this.s}.entries (state, name, entry, serial)
             SELECT $1, t.key, t.value, $3 FROM json_each($2::json) AS t
           ON CONFLICT (state, name) DO UPDATE SET entry = EXCLUDED.entry, serial = EXCLUDED.serial`,
          [this.state, JSON.stringify(change.set), next],
        );
      // A removed entry stays as a tombstone with its serial, so a writer that read it before is refused.
      if (change.remove.length > 0)
        await client.query(
          `INSERT INTO ${this.s}.entries (state, name, entry, serial)
             SELECT $1, n, NULL, $3 FROM unnest($2::text[]) AS t(n)
           ON CONFLICT (state, name) DO UPDATE SET entry = NULL, serial = EXCLUDED.serial`,
          [this.state, change.remove, next],
        );
      await client.query(`UPDATE ${this.s}.states SET serial = $2 WHERE name = $1`, [this.state, next]);
      return next;
    });
    if (adopted !== undefined) this.options.onAdopted?.(adopted);
    return serial;
  }

  async appendEvents(events: readonly AuditEvent[]): Promise<void> {
    if (events.length === 0) return;
    await this.schemaReady();
    await this.transaction((client) => this.insertEvents(client, events));
  }

  async scanEvents(options: ScanOptions): Promise<ScanSummary> {
    await this.schemaReady();
    const kinds = options.events === undefined ? null : [...options.events];
    let after = options.from ?? 0;
    let lines = 0;
    for (;;) {
      const { rows } = await this.query<{ id: string; event: string }>(
        // Ordered by the bigint column itself (`e.id`): the text alias would sort 10 before 2.
        `SELECT e.id::text AS id, e.event::text AS event FROM ${this.s}.events e
          WHERE e.state = $1 AND e.id > $2 AND ($3::text[] IS NULL OR e.kind = ANY($3::text[]))
          ORDER BY e.id LIMIT ${SCAN_PAGE}`,
        [this.state, after, kinds],
      );
      for (const row of rows) options.onEvent(JSON.parse(row.event) as AuditEvent);
      lines += rows.length;
      if (rows.length > 0) after = Number(rows.at(-1)!.id);
      if (rows.length < SCAN_PAGE) return { lines, badLines: 0, endOffset: after };
    }
  }

  /**
   * The events as stored, by COPY in one read-only transaction: streamed at the pace `write` takes them, in
   * bounded memory, never parsed. Each stored event is one line of JSON, written out as it is (the CSV form
   * with a quote and a delimiter JSON never holds raw, so nothing is escaped). `since` uses the time index.
   */
  async exportEvents(since: Date | undefined, write: (lines: Buffer) => Promise<void>): Promise<number> {
    await this.schemaReady();
    let exported = 0;
    // A connection of its own: a COPY's end never answers the client-side query timeout of the pool's.
    const client = new pg.Client({ ...this.options.connection.config, application_name: 'cxone-exports export' });
    client.on('error', () => undefined);
    try {
      await client.connect();
      await client.query('BEGIN READ ONLY');
      const where = `state = ${literal(this.state)}${since === undefined ? '' : ` AND event ->> 'timestamp' >= ${literal(since.toISOString())}`}`;
      const stream = client.query(
        copyTo(
          `COPY (SELECT event FROM ${this.s}.events WHERE ${where} ORDER BY id)
             TO STDOUT WITH (FORMAT csv, DELIMITER E'\\x02', QUOTE E'\\x01')`,
        ),
      );
      for await (const chunk of stream as AsyncIterable<Buffer>) {
        exported += countNewlines(chunk);
        // Bytes as they come: a chunk may end inside a character, which the next one completes.
        await write(chunk);
      }
      await client.query('COMMIT');
    } catch (error) {
      throw this.describe(error);
    } finally {
      await client.end().catch(() => undefined);
    }
    return exported;
  }

  async tryLock(info: LockInfo, hooks: LockOptionsOfTry = {}): Promise<LockAttempt> {
    await this.schemaReady();
    // The lock lives in a session of its own: a pooled connection would hand it to whoever borrows it next. Taking
    // it waits no longer than the caller's lock timeout (a second at least), even on a locked table.
    const timeout = Math.min(this.statementTimeoutMs(), Math.max(1_000, hooks.timeoutMs ?? Infinity));
    const client = new pg.Client({ ...this.sessionConfig(timeout), application_name: 'cxone-exports lock' });
    // The lock lives as long as this session: when it ends (terminated, a network blip), the lock is lost, and
    // every commit made under it from then on is refused.
    const lose = (why: string) => {
      if (this.held?.client === client) this.held.lost ??= why;
    };
    client.on('error', (error) => lose(`its database session failed: ${error.message}`));
    client.on('end', () => lose('its database session ended'));
    try {
      await client.connect();
      const taken = await client.query<{ taken: boolean }>('SELECT pg_try_advisory_lock($1::bigint) AS taken', [
        this.lockKey(),
      ]);
      if (taken.rows[0]!.taken !== true) {
        const holder = await this.readLockHolder(client);
        await client.end();
        return { acquired: false, holder };
      }
      // The advisory lock was free: a row left beside it belongs to a session PostgreSQL has ended. Its holder
      // may still run (only its session was lost): on this host that is known, and it is not taken over.
      const left = await this.readLockHolder(client);
      if (left !== undefined && left.host === hostname() && left.pid !== process.pid && holderIsAlive(left)) {
        await client.end();
        return { acquired: false, holder: left, holderAlive: true };
      }
      const granted = await client.query<{ fence: string }>(
        `INSERT INTO ${this.s}.lock_fences (state, fence) VALUES ($1, 1)
         ON CONFLICT (state) DO UPDATE SET fence = ${this.s}.lock_fences.fence + 1 RETURNING fence::text AS fence`,
        [this.state],
      );
      const fence = granted.rows[0]!.fence;
      await client.query(
        `INSERT INTO ${this.s}.locks (state, info, backend_pid, fence) VALUES ($1, $2::json, pg_backend_pid(), $3)
         ON CONFLICT (state) DO UPDATE SET info = EXCLUDED.info, backend_pid = EXCLUDED.backend_pid,
           fence = EXCLUDED.fence`,
        [this.state, JSON.stringify(info), fence],
      );
      this.held = { client, id: info.id, fence, lost: undefined };
      if (left !== undefined) hooks.onStaleLockBroken?.(left);
      return { acquired: true, fence };
    } catch (error) {
      await client.end().catch(() => undefined);
      throw this.describe(error, timeout);
    }
  }

  async unlock(lockId: string): Promise<void> {
    const held = this.held;
    if (held === undefined || held.id !== lockId) return;
    this.held = undefined;
    try {
      if (held.lost === undefined) {
        await held.client.query(`DELETE FROM ${this.s}.locks WHERE state = $1 AND fence = $2`, [
          this.state,
          held.fence,
        ]);
        await held.client.query('SELECT pg_advisory_unlock($1::bigint)', [this.lockKey()]);
      } else {
        // The session is gone, and with it the advisory lock: the row goes too, unless another holder's replaced it.
        await this.pool.query(`DELETE FROM ${this.s}.locks WHERE state = $1 AND fence = $2`, [this.state, held.fence]);
      }
    } catch {
      // The database is out of reach: the advisory lock went with the session, and the row is taken over later.
    } finally {
      await held.client.end().catch(() => undefined);
    }
  }

  async forceUnlock(lockId: string): Promise<LockInfo> {
    await this.schemaReady();
    const holder = await this.readLockHolder();
    if (holder === undefined) throw new StateConflictError('the state is not locked', { hint: 'Nothing to do.' });
    if (holder.id !== lockId)
      throw new StateConflictError(
        `lock ${lockId} is not the one held: the state is locked by ${holder.operation} (lock ${holder.id}, ${holder.who})`,
        { hint: `Check the id: cxone-exports state unlock ${holder.id} releases the current lock.` },
      );
    // The session holding the advisory lock, if it still exists, is ended: that is what releases it.
    const key = BigInt(this.lockKey());
    const high = Number((key >> 32n) & 0xffffffffn);
    const low = Number(key & 0xffffffffn);
    await this.query(
      `SELECT pg_terminate_backend(pid) FROM pg_locks
        WHERE locktype = 'advisory' AND granted AND objsubid = 1
          AND classid::bigint = $1 AND objid::bigint = $2 AND pid <> pg_backend_pid()`,
      [high, low],
    );
    await this.query(`DELETE FROM ${this.s}.locks WHERE state = $1 AND info->>'id' = $2`, [this.state, lockId]);
    return holder;
  }

  async setUp(): Promise<{ created: boolean }> {
    // Created now: by this call, not by an earlier use of this handle.
    const earlier = this.ready !== undefined;
    const created = await this.schemaReady();
    return { created: created && !earlier };
  }

  /** One transaction: the state row, every entry at the state's serial, and the events in their order. */
  async importState(state: State, events: AsyncIterable<readonly AuditEvent[]>): Promise<'imported' | 'already'> {
    await this.schemaReady();
    return this.transaction(async (client) => {
      const current = await this.lockStateRow(client);
      if (current !== undefined) {
        if (current.lineage === state.lineage && current.serial === state.serial) return 'already';
        throw new StateConflictError(
          current.lineage === state.lineage
            ? `${this.location} holds this state already, at serial ${current.serial} (the one to move is at ${state.serial})`
            : `${this.location} holds another state (lineage ${current.lineage}); nothing was moved`,
          {
            hint:
              current.lineage === state.lineage
                ? 'The backend moved on since it was migrated: keep using it, and retire the local state.'
                : 'Pick another backend.stateName for this state, or remove that state first.',
          },
        );
      }
      // The state keeps its owner; one written before states recorded theirs takes the one it is moved for.
      checkOwner(state, this.options.owner, `the state to move (${state.lineage})`);
      const owner = { ...ownerOf(state), ...ownerToRecord(state, this.options.owner)?.owner };
      await client.query(
        `INSERT INTO ${this.s}.states (name, lineage, serial, format_version, environment, tenant_id)
         VALUES ($1, $2, $3, $4, $5, $6)`,
        [this.state, state.lineage, state.serial, state.version, owner.environment ?? null, owner.tenantId ?? null],
      );
      if (Object.keys(state.exports).length > 0)
        await client.query(
          `INSERT INTO ${this.s}.entries (state, name, entry, serial)
             SELECT $1, t.key, t.value, $3 FROM json_each($2::json) AS t`,
          [this.state, JSON.stringify(state.exports), state.serial],
        );
      for await (const batch of events) await this.insertEvents(client, batch);
      return 'imported';
    });
  }

  async close(): Promise<void> {
    if (this.held !== undefined) await this.unlock(this.held.id);
    await this.pool.end().catch(() => undefined);
  }

  /** Refuses a commit under a lock this process no longer holds, or whose session it has lost. */
  private refuseIfLockLost(fence: string): void {
    const held = this.held;
    if (held === undefined || held.fence !== fence)
      throw new StateLockLostError(this.location, 'this process no longer holds it');
    if (held.lost !== undefined) throw new StateLockLostError(this.location, held.lost);
  }

  /** The holder's row must still name this grant: a take-over or a forced unlock replaced or removed it. */
  private async refuseIfFenced(client: PoolClient, fence: string): Promise<void> {
    const { rows } = await client.query<{ fence: string | null; info: LockInfo }>(
      `SELECT fence::text AS fence, info FROM ${this.s}.locks WHERE state = $1 FOR SHARE`,
      [this.state],
    );
    const row = rows[0];
    if (row?.fence === fence) return;
    throw new StateLockLostError(
      this.location,
      row === undefined
        ? 'it was released by someone else (state unlock)'
        : `${row.info.operation} took it over (lock ${row.info.id}, ${row.info.who}, pid ${row.info.pid})`,
    );
  }

  /**
   * Every session's settings: nothing waits forever. The server ends a statement that runs or waits (for a table
   * or row another session locks) past the timeout; the client gives up a little later, for a server or a network
   * that stopped answering altogether.
   */
  private sessionConfig(timeout = this.statementTimeoutMs()): pg.ClientConfig {
    return { ...this.options.connection.config, statement_timeout: timeout, query_timeout: timeout + 5_000 };
  }

  private statementTimeoutMs(): number {
    return this.options.statementTimeoutMs ?? 30_000;
  }

  /** A failure of the database as the user reads it (where, and the timeout a statement may have run into). */
  private describe(error: unknown, timeout = this.statementTimeoutMs()): unknown {
    return describePgError(error, this.options.connection.where, timeout);
  }

  lockHolder(): Promise<LockInfo | undefined> {
    return this.readLockHolder();
  }

  /** Who holds the lock, read on `client` (the lock's own session, with its timeout) or the pool. */
  private async readLockHolder(client?: pg.Client): Promise<LockInfo | undefined> {
    const text = `SELECT info FROM ${this.s}.locks WHERE state = $1`;
    const { rows } =
      client === undefined
        ? await this.query<{ info: LockInfo }>(text, [this.state])
        : await client.query<{ info: LockInfo }>(text, [this.state]);
    return rows[0]?.info;
  }

  /** Two states, or two schemas, never share a lock (terraform#22833 came from keys that could). */
  private lockKey(): string {
    return advisoryKey('state', this.options.schema, this.state);
  }

  /** The state row, locked for this transaction: commits of one state queue here, briefly. */
  private async lockStateRow(client: PoolClient): Promise<StoredHeader | undefined> {
    const { rows } = await client.query<StateRow>(
      `SELECT ${STATE_COLUMNS} FROM ${this.s}.states s WHERE s.name = $1 FOR UPDATE`,
      [this.state],
    );
    return rows[0] === undefined ? undefined : this.stateHeader(rows[0]);
  }

  private newerState(version: number): StateUnreadableError {
    return new StateUnreadableError(
      `${this.location} has state version ${version}, written by a newer cxone-exports; this one (${toolVersion()}) reads version ${STATE_VERSION}`,
      { hint: 'Upgrade cxone-exports (npm install cxone-exports@latest). Nothing was changed.' },
    );
  }

  private async insertEvents(client: PoolClient, events: readonly AuditEvent[]): Promise<void> {
    if (events.length === 0) return;
    await client.query(
      `INSERT INTO ${this.s}.events (state, kind, event)
         SELECT $1, t.e ->> 'event', t.e FROM json_array_elements($2::json) WITH ORDINALITY AS t(e, n) ORDER BY t.n`,
      [this.state, JSON.stringify(events)],
    );
  }

  private conflict(expected: number, stored: number, why: string): StateConflictError {
    return new StateConflictError(
      `${this.location} changed while this command ran (serial ${expected} → ${stored}, ${why}); nothing was written`,
      { hint: 'Another process wrote the state. Run the command again; it plans against the new state.' },
    );
  }

  private async query<Row extends pg.QueryResultRow>(
    text: string,
    values: unknown[] = [],
  ): Promise<pg.QueryResult<Row>> {
    try {
      return await this.pool.query<Row>(text, values);
    } catch (error) {
      throw this.describe(error);
    }
  }

  private async transaction<T>(work: (client: PoolClient) => Promise<T>): Promise<T> {
    let client: PoolClient;
    try {
      client = await this.pool.connect();
    } catch (error) {
      throw this.describe(error);
    }
    try {
      await client.query('BEGIN');
      const result = await work(client);
      await client.query('COMMIT');
      client.release();
      return result;
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      // A connection that failed mid-transaction is not handed out again.
      client.release(error instanceof Error ? error : true);
      throw this.describe(error);
    }
  }

  /** The tables exist at a version this tool reads: created on first use when the role may, checked always. */
  private schemaReady(): Promise<boolean> {
    this.ready ??= this.prepareSchema().catch((error: unknown) => {
      this.ready = undefined;
      throw error;
    });
    return this.ready;
  }

  private async prepareSchema(): Promise<boolean> {
    const version = await this.schemaVersion();
    if (version === undefined) {
      if (this.options.skipSchemaCreation)
        throw new ExternalError(
          `${this.location}: the schema ${this.options.schema} has no cxone-exports tables, and backend.skipSchemaCreation is set`,
          {
            hint: `Ask an administrator to run this SQL (also printed by: cxone-exports backend init --print-sql):\n${schemaSql(this.options.schema)}`,
          },
        );
      await this.createSchema();
      return true;
    }
    if (version > PG_SCHEMA_VERSION)
      throw new StateUnreadableError(
        `${this.location} has tables of schema version ${version}, made by a newer cxone-exports; this one (${toolVersion()}) knows version ${PG_SCHEMA_VERSION}`,
        { hint: 'Upgrade cxone-exports (npm install cxone-exports@latest). Nothing was changed.' },
      );
    if (version < PG_SCHEMA_VERSION) await this.upgradeSchema(version);
    return false;
  }

  /** Tables of an older version are brought up to date, in one transaction, by the first role that may. */
  private async upgradeSchema(from: number): Promise<void> {
    const sql = upgradeSql(this.options.schema, from);
    const needed = new ExternalError(
      `${this.location} has tables of schema version ${from}; this cxone-exports (${toolVersion()}) needs version ${PG_SCHEMA_VERSION}, and ${this.options.skipSchemaCreation ? 'backend.skipSchemaCreation is set' : 'this role may not upgrade them'}`,
      {
        hint: `Run cxone-exports backend init with a role that may alter the tables, or ask an administrator to run:\n${sql}`,
      },
    );
    if (this.options.skipSchemaCreation) throw needed;
    try {
      await this.transaction(async (client) => {
        await client.query('SELECT pg_advisory_xact_lock($1::bigint)', [advisoryKey('schema', this.options.schema)]);
        await client.query(sql);
      });
    } catch (error) {
      if ((error as { code?: unknown }).code === '42501' || /did not allow this role/.test(String(error))) throw needed;
      throw error;
    }
  }

  private async schemaVersion(): Promise<number | undefined> {
    const table = await this.query<{ found: string | null }>('SELECT to_regclass($1)::text AS found', [
      `${this.s}.schema_version`,
    ]);
    if (table.rows[0]!.found === null) return undefined;
    const { rows } = await this.query<{ version: number | null }>(
      `SELECT max(version) AS version FROM ${this.s}.schema_version`,
    );
    return rows[0]!.version ?? undefined;
  }

  private async createSchema(): Promise<void> {
    await this.transaction(async (client) => {
      // Two processes starting on an empty database create the tables once.
      await client.query('SELECT pg_advisory_xact_lock($1::bigint)', [advisoryKey('schema', this.options.schema)]);
      // A table of the same name made by something else (an application's `events`) is never taken over: the
      // tables would not be ours, and CREATE TABLE IF NOT EXISTS would silently keep theirs.
      const taken = await client.query<{ name: string }>(
        `SELECT c.relname AS name FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
          WHERE n.nspname = $1 AND c.relname = ANY($2::text[]) ORDER BY 1`,
        [this.options.schema, [...TABLES]],
      );
      if ((await this.schemaVersion()) === undefined && taken.rows.length > 0)
        throw new UsageError(
          `${this.location}: the schema ${this.options.schema} already has ${taken.rows.map((r) => r.name).join(', ')}, which cxone-exports did not create; nothing was changed`,
          {
            hint: "Give the backend a schema of its own: backend.schema (cxone_exports by default) names one that holds only this tool's tables.",
          },
        );
      // Checked first: CREATE SCHEMA IF NOT EXISTS needs the CREATE privilege even when the schema exists.
      const exists = await client.query('SELECT 1 FROM information_schema.schemata WHERE schema_name = $1', [
        this.options.schema,
      ]);
      if (exists.rows.length === 0) await client.query(`CREATE SCHEMA ${this.s}`);
      await client.query(tablesSql(this.options.schema));
    });
  }
}

/** An advisory lock key: 64 bits of a hash of what it guards, so no two things share one. */
function advisoryKey(...parts: string[]): string {
  return createHash('sha256')
    .update(['cxone-exports', ...parts].join('\0'))
    .digest()
    .readBigInt64BE(0)
    .toString();
}

/** A text as an SQL literal (COPY takes no parameters). */
function literal(text: string): string {
  return `'${text.replace(/'/g, "''")}'`;
}

function countNewlines(chunk: Buffer): number {
  let n = 0;
  for (let at = chunk.indexOf(10); at !== -1; at = chunk.indexOf(10, at + 1)) n++;
  return n;
}
