// The real PostgreSQL of every development and CI machine (127.0.0.1:5432, trust authentication): each test file
// gets a database of its own, dropped when the file ends, and each backend a schema of its own inside it.

import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll } from 'vitest';
import { startPgBouncer } from './pgbouncer.js';
import type { PgBouncer, PoolMode } from './pgbouncer.js';
import { PgStore } from '../../src/state/pg/pg-store.js';
import type { OwnerOptions } from '../../src/state/state-store.js';

export const PG_HOST = '127.0.0.1';
export const PG_PORT = 5432;
export const PG_USER = process.env.PGUSER ?? 'postgres';

async function admin<T>(work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ host: PG_HOST, port: PG_PORT, user: PG_USER, database: 'postgres' });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

/**
 * A database for this test file: created before its first test and dropped (with its connections) after its
 * last. Both are hooks, so a run that skips every test of the file creates nothing and leaves nothing behind.
 */
export function testDatabase(): { name: string; url: string; env: Record<string, string> } {
  const name = `cxone_test_${randomBytes(6).toString('hex')}`;
  const url = `postgres://${PG_USER}@${PG_HOST}:${PG_PORT}/${name}`;
  // What the CLI is given. The e2e-pooled project (PG_VIA_POOLER=transaction) runs the same files with the CLI
  // reaching the database through a PgBouncer of their own, as most teams do; the tests' own checks stay direct.
  const env = { CXONE_EXPORTS_PG_URL: url };
  const mode = process.env.PG_VIA_POOLER as PoolMode | undefined;
  let pooler: PgBouncer | undefined;
  beforeAll(async () => {
    await admin((client) => client.query(`CREATE DATABASE ${name}`));
    if (mode !== undefined) {
      pooler = await startPgBouncer(mode, { host: PG_HOST, port: PG_PORT });
      env.CXONE_EXPORTS_PG_URL = pooler.url(name);
    }
  });
  afterAll(async () => {
    pooler?.stop();
    await admin((client) => client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`));
  });
  return { name, url, env };
}

/** A fresh schema name, so tests in one database never see each other's state. */
export function freshSchema(): string {
  return `s_${randomBytes(5).toString('hex')}`;
}

export function pgStore(url: string, schema: string, stateName = 'default', owner: OwnerOptions = {}): PgStore {
  return new PgStore({
    connection: { config: { connectionString: url }, where: url.replace(/^postgres:\/\/[^@]*@/, '') },
    schema,
    stateName,
    skipSchemaCreation: false,
    ...owner,
  });
}

/** A query on the test database, for what tests arrange or check directly. */
export async function sql<Row extends pg.QueryResultRow>(
  url: string,
  text: string,
  values: unknown[] = [],
): Promise<Row[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<Row>(text, values)).rows;
  } finally {
    await client.end();
  }
}

/**
 * Runs `work` while another session holds `tables` locked (as `LOCK TABLE` from psql would), released when
 * `work` ends or calls `unlock`.
 */
export async function withLockedTables<T>(
  url: string,
  tables: readonly string[],
  work: (unlock: () => Promise<void>) => Promise<T>,
): Promise<T> {
  const holder = new pg.Client({ connectionString: url });
  await holder.connect();
  try {
    await holder.query('BEGIN');
    await holder.query(`LOCK TABLE ${tables.join(', ')} IN ACCESS EXCLUSIVE MODE`);
    return await work(async () => void (await holder.query('ROLLBACK')));
  } finally {
    await holder.end();
  }
}
