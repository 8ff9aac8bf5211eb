// The PostgreSQL backend: one named state in a schema shared by a team. One row per export entry (receivers
// change single entries in short transactions, without the state lock) and the audit events as rows; the lock
// is a lease (pg-lease.ts). Every commit is one transaction: the events and the entries together, or neither.
// Nothing lives in a database session between transactions (pg-database.ts), so it works through poolers.

import type { AuditHead } from '../../audit/audit-chain.js';
import type { AuditEvent } from '../../audit/audit-event.js';
import type { ScanOptions, ScanSummary } from '../../audit/scan-audit-log.js';
import { toolVersion } from '../../version.js';
import { StateConflictError, StateUnreadableError } from '../state-errors.js';
import { checkState } from '../state-file-format.js';
import { emptyState, STATE_VERSION } from '../state-model.js';
import type { ExportState, State } from '../state-model.js';
import { checkOwner, ownerOf, ownerToRecord } from '../state-owner.js';
import type { StateOwner } from '../state-owner.js';
import type {
  AuditExport,
  BackendSetup,
  ChainedAudit,
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
import type { PgConnection } from './pg-connection.js';
import { PgDatabase } from './pg-database.js';
import type { Transaction } from './pg-database.js';
import { PgEvents } from './pg-events.js';
import { PgLease } from './pg-lease.js';
import { quoteIdentifier } from './pg-schema.js';
import { prepareSchema } from './pg-schema-setup.js';
import { crypto } from '../../on-first-use.js';

export interface PgStoreOptions extends OwnerOptions {
  connection: PgConnection;
  schema: string;
  stateName: string;
  /** For roles that may not create: a missing schema is an error that prints the SQL to run. */
  skipSchemaCreation: boolean;
  /** The longest a statement may run or wait for a lock (`backend.statementTimeout`); 30 s by default. */
  statementTimeoutMs?: number;
  /** How long the lock's lease lasts without renewal (`backend.lockLease`); 60 s by default. */
  lockLeaseMs?: number;
  /** The key that signs the audit chain's head (CXONE_AUDIT_KEY), when one is set. */
  auditKey?: string | undefined;
  /** False only to measure what the chain costs (`npm run bench`, CXONE_EXPORTS_BENCH_UNCHAINED). */
  chainAudit?: boolean;
}

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

/** A state's header as a commit locks it, with its audit chain's head (locked too), when events were written. */
interface LockedState extends StoredHeader {
  auditHead: AuditHead | undefined;
}

export class PgStore
  implements StateStore, ConcurrentCommits, Closeable, BackendSetup, StateImport, AuditExport, ChainedAudit
{
  readonly headCoversAll = true;
  readonly location: string;
  readonly lockLocation: string;
  readonly unknownHolderHint: string;
  readonly eventsLocation: string;
  readonly concurrentCommits = true;
  private readonly db: PgDatabase;
  private readonly lease: PgLease;
  private readonly events: PgEvents;
  private readonly s: string;
  private readonly state: string;
  /** Settles once the tables are usable; true when this process created them. */
  private ready: Promise<boolean> | undefined;

  constructor(private readonly options: PgStoreOptions) {
    this.s = quoteIdentifier(options.schema);
    this.state = options.stateName;
    this.location = `PostgreSQL ${options.connection.where}, state ${options.schema}.${options.stateName}`;
    this.lockLocation = `the lock of ${this.location}`;
    // Who holds it is written in the same transaction that grants it: unreadable only if the row is damaged.
    this.unknownHolderHint = `Read it with SQL (SELECT info, expires_at FROM ${options.schema}.locks), or wait: a lease that is not renewed ends by itself.`;
    this.eventsLocation = `the audit events of ${this.location}`;
    this.db = new PgDatabase(options.connection, options.statementTimeoutMs ?? 30_000);
    this.lease = new PgLease({
      db: this.db,
      schema: { quoted: this.s, name: options.schema },
      state: this.state,
      leaseMs: options.lockLeaseMs ?? 60_000,
      location: this.location,
    });
    this.events = new PgEvents(this.db, this.s, this.state, {
      scope: this.chainScope,
      key: options.auditKey,
      enabled: options.chainAudit ?? true,
    });
  }

  async read(): Promise<StateSnapshot> {
    await this.schemaReady();
    const { rows } = await this.db.query<
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
    if (first === undefined) return { state: emptyState(crypto().randomUUID()), exists: false };
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
    const { rows } = await this.db.query<StateRow>(
      `SELECT ${STATE_COLUMNS} FROM ${this.s}.states s WHERE s.name = $1`,
      [this.state],
    );
    return rows[0] === undefined ? undefined : ownerOf(this.stateHeader(rows[0]));
  }

  async readIfChanged(serial: number, lineage: string): Promise<StateSnapshot | undefined> {
    await this.schemaReady();
    const { rows } = await this.db.query<{ lineage: string; serial: string }>(
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
    if (guard !== undefined) this.lease.refuseIfLost(guard.fence);
    await this.schemaReady();
    let adopted: StateOwner | undefined;
    const serial = await this.db.transaction(async (client) => {
      // Under the lock, the same transaction checks the lock is still ours: a holder that lost it writes nothing.
      if (guard !== undefined) await this.lease.refuseIfFenced(client, guard.fence);
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
      await this.events.insert(client, change.events, current.auditHead);
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
    await this.db.transaction((tx) => this.events.insert(tx, events));
  }

  async scanEvents(options: ScanOptions): Promise<ScanSummary> {
    await this.schemaReady();
    return this.events.scan(options);
  }

  async exportEvents(since: Date | undefined, write: (lines: Buffer) => Promise<void>): Promise<number> {
    await this.schemaReady();
    return this.events.export(since, write);
  }

  /** What the audit head's signature binds: this schema's state. */
  get chainScope(): string {
    return `${this.options.schema}.${this.state}`;
  }

  /** The head the backend records (moved with every event), and what its signature binds. */
  async recordedAuditHead(): Promise<{ head: AuditHead | undefined; scope: string }> {
    await this.schemaReady();
    return { head: await this.events.head(), scope: this.chainScope };
  }

  /** The events as stored, one JSON line each, for `audit verify`. */
  async streamAuditLog(write: (chunk: Buffer) => Promise<void> | void): Promise<void> {
    await this.schemaReady();
    await this.events.export(undefined, write);
  }

  async tryLock(info: LockInfo, hooks: LockHooks & { timeoutMs?: number } = {}): Promise<LockAttempt> {
    await this.schemaReady();
    return this.lease.tryLock(info, hooks);
  }

  unlock(lockId: string): Promise<void> {
    return this.lease.unlock(lockId);
  }

  async forceUnlock(lockId: string): Promise<LockInfo> {
    await this.schemaReady();
    return this.lease.forceUnlock(lockId);
  }

  async lockHolder(): Promise<LockInfo | undefined> {
    await this.schemaReady();
    return this.lease.holder();
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
    return this.db.transaction(async (client) => {
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
      for await (const batch of events) await this.events.insert(client, batch);
      return 'imported';
    });
  }

  async close(): Promise<void> {
    await this.lease.close();
    await this.db.close();
  }

  /** The state row, locked for this transaction: commits of one state queue here, briefly. */
  private async lockStateRow(client: Transaction): Promise<LockedState | undefined> {
    // The audit chain's head row too, in the same round trip: the commit's events chain onto it.
    const { rows } = await client.query<StateRow & { audit_head: string | null }>(
      `SELECT ${STATE_COLUMNS},
              (SELECT h.seq::text || ' ' || h.hash FROM ${this.s}.audit_heads h WHERE h.state = s.name FOR UPDATE)
                AS audit_head
         FROM ${this.s}.states s WHERE s.name = $1 FOR UPDATE`,
      [this.state],
    );
    const row = rows[0];
    if (row === undefined) return undefined;
    const [seq, hash] = row.audit_head?.split(' ') ?? [];
    return {
      ...this.stateHeader(row),
      auditHead: seq === undefined || hash === undefined ? undefined : { seq: Number(seq), hash },
    };
  }

  private newerState(version: number): StateUnreadableError {
    return new StateUnreadableError(
      `${this.location} has state version ${version}, written by a newer cxone-exports; this one (${toolVersion()}) reads version ${STATE_VERSION}`,
      { hint: 'Upgrade cxone-exports (npm install cxone-exports@latest). Nothing was changed.' },
    );
  }

  private conflict(expected: number, stored: number, why: string): StateConflictError {
    return new StateConflictError(
      `${this.location} changed while this command ran (serial ${expected} → ${stored}, ${why}); nothing was written`,
      { hint: 'Another process wrote the state. Run the command again; it plans against the new state.' },
    );
  }

  /** The tables exist at a version this tool reads: created on first use when the role may, checked always. */
  private schemaReady(): Promise<boolean> {
    this.ready ??= prepareSchema({
      db: this.db,
      schema: this.options.schema,
      location: this.location,
      skipSchemaCreation: this.options.skipSchemaCreation,
    }).catch((error: unknown) => {
      this.ready = undefined;
      throw error;
    });
    return this.ready;
  }
}
