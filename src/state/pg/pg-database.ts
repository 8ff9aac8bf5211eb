// The connections of the pg backend, as a connection pooler allows them (PgBouncer in transaction pooling, the
// pooled URLs of managed databases): nothing is kept in a database session between transactions. No startup
// parameter but the application name (poolers refuse the others), no session SET, advisory lock, LISTEN,
// temporary table or named prepared statement. Every statement runs in a transaction whose timeouts are set
// with SET LOCAL, so the server itself ends a statement that runs or waits too long, through a pooler too; the
// client gives up a little later, for a server or network that stopped answering altogether.

import pg from 'pg';
import type { PoolClient } from 'pg';
import { describePgError } from './pg-connection.js';
import type { PgConnection } from './pg-connection.js';

/** At most 3 connections per process: the lease's heartbeat borrows one like any other statement. */
const POOL_SIZE = 3;
/** How much longer than the server's timeout the client waits before it gives up on an answer. */
const CLIENT_BACKSTOP_MS = 5_000;
/** Pauses before a transaction is started again on a fresh connection, when the last one was lost. */
const RECONNECT_PAUSES_MS = [100, 400, 1_600];

const LOST_CONNECTION_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  '57P01',
  '57P02',
  '57P03',
  '08006',
  '08001',
  '08003',
]);

/** A failure that says the connection went (a restart, a failover, a pooler restarting), not the statement. */
function connectionLost(error: unknown): boolean {
  const code = (error as { code?: unknown }).code;
  return (
    (typeof code === 'string' && LOST_CONNECTION_CODES.has(code)) ||
    /Connection terminated|server closed the connection|Client has encountered a connection error/i.test(
      String((error as Error).message),
    )
  );
}

/** What a transaction's work may do: run statements, each bounded by the transaction's timeouts. */
export interface Transaction {
  query<Row extends pg.QueryResultRow>(text: string, values?: unknown[]): Promise<pg.QueryResult<Row>>;
}

export class PgDatabase {
  private readonly pool: pg.Pool;

  constructor(
    private readonly connection: PgConnection,
    /** The longest a statement may run or wait for a lock (`backend.statementTimeout`). */
    readonly statementTimeoutMs: number,
  ) {
    this.pool = new pg.Pool({
      ...connection.config,
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

  get where(): string {
    return this.connection.where;
  }

  /** One statement, in a transaction of its own. */
  async query<Row extends pg.QueryResultRow>(
    text: string,
    values: unknown[] = [],
    timeoutMs = this.statementTimeoutMs,
  ): Promise<pg.QueryResult<Row>> {
    return this.transaction((client) => client.query<Row>(text, values), timeoutMs);
  }

  /**
   * `work` in one transaction on one connection, committed when it resolves and rolled back when it throws. The
   * server ends any statement of it that runs or waits past `timeoutMs`, and the transaction if the client
   * vanishes in the middle of it; failures come out as the user reads them (describePgError).
   */
  async transaction<T>(work: (client: Transaction) => Promise<T>, timeoutMs = this.statementTimeoutMs): Promise<T> {
    for (let attempt = 0; ; attempt++) {
      let client: PoolClient | undefined;
      const backstop = timeoutMs + CLIENT_BACKSTOP_MS;
      try {
        client = await this.pool.connect();
        // One round trip: the transaction and its timeouts, which end with it.
        await client.query({
          text: `BEGIN; SET LOCAL statement_timeout = ${Math.round(timeoutMs)}; SET LOCAL idle_in_transaction_session_timeout = ${Math.round(backstop)}`,
          query_timeout: backstop,
        } as pg.QueryConfig);
      } catch (error) {
        client?.release(true);
        // Nothing of the work was sent yet: a connection lost to a restart or a failover is tried again, on a
        // fresh one, a few times with growing pauses, before the command is told.
        const pause = RECONNECT_PAUSES_MS[attempt];
        if (pause !== undefined && connectionLost(error)) {
          await new Promise((resolve) => setTimeout(resolve, pause));
          continue;
        }
        throw this.describe(error, timeoutMs);
      }
      return this.run(client, work, timeoutMs, backstop);
    }
  }

  private async run<T>(
    client: PoolClient,
    work: (client: Transaction) => Promise<T>,
    timeoutMs: number,
    backstop: number,
  ): Promise<T> {
    const bounded: Transaction = {
      // query_timeout per query is read by pg's client, though its types do not list it.
      query: <Row extends pg.QueryResultRow>(text: string, values?: unknown[]) =>
        client.query<Row>({ text, values, query_timeout: backstop } as pg.QueryConfig),
    };
    try {
      const result = await work(bounded);
      await bounded.query('COMMIT');
      client.release();
      return result;
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      // A connection that failed mid-transaction is not handed out again.
      client.release(error instanceof Error ? error : true);
      throw this.describe(error, timeoutMs);
    }
  }

  /** A connection of its own, outside the pool (a COPY, whose end never answers a client-side timeout). */
  dedicatedClient(applicationName: string): pg.Client {
    const client = new pg.Client({ ...this.connection.config, application_name: applicationName });
    client.on('error', () => undefined);
    return client;
  }

  describe(error: unknown, timeoutMs = this.statementTimeoutMs): unknown {
    return describePgError(error, this.connection.where, timeoutMs);
  }

  async close(): Promise<void> {
    await this.pool.end().catch(() => undefined);
  }
}
