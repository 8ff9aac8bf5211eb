// Making sure the backend's tables exist at the version this tool reads: created on first use when the role may
// (once, however many processes start together), upgraded from an older version in one transaction, and refused
// when a newer tool made them or when something else owns tables of the same names.

import { ExternalError, UsageError } from '../../errors.js';
import { toolVersion } from '../../version.js';
import { StateUnreadableError } from '../state-errors.js';
import type { PgDatabase } from './pg-database.js';
import {
  advisoryKey,
  PG_SCHEMA_VERSION,
  quoteIdentifier,
  schemaSql,
  TABLES,
  tablesSql,
  upgradeSql,
} from './pg-schema.js';

export interface SchemaSetupOptions {
  db: PgDatabase;
  schema: string;
  /** The state's description, for messages. */
  location: string;
  /** For roles that may not create: a missing schema is an error that prints the SQL to run. */
  skipSchemaCreation: boolean;
}

/** The tables are usable; true when this call created them. */
export async function prepareSchema(options: SchemaSetupOptions): Promise<boolean> {
  const version = await schemaVersion(options);
  if (version === undefined) {
    if (options.skipSchemaCreation)
      throw new ExternalError(
        `${options.location}: the schema ${options.schema} has no cxone-exports tables, and backend.skipSchemaCreation is set`,
        {
          hint: `Ask an administrator to run this SQL (also printed by: cxone-exports backend init --print-sql):\n${schemaSql(options.schema)}`,
        },
      );
    await createSchema(options);
    return true;
  }
  if (version > PG_SCHEMA_VERSION)
    throw new StateUnreadableError(
      `${options.location} has tables of schema version ${version}, made by a newer cxone-exports; this one (${toolVersion()}) knows version ${PG_SCHEMA_VERSION}`,
      { hint: 'Upgrade cxone-exports (npm install cxone-exports@latest). Nothing was changed.' },
    );
  if (version < PG_SCHEMA_VERSION) await upgradeSchema(options, version);
  return false;
}

/** Tables of an older version are brought up to date, in one transaction, by the first role that may. */
async function upgradeSchema(options: SchemaSetupOptions, from: number): Promise<void> {
  const sql = upgradeSql(options.schema, from);
  const needed = new ExternalError(
    `${options.location} has tables of schema version ${from}; this cxone-exports (${toolVersion()}) needs version ${PG_SCHEMA_VERSION}, and ${options.skipSchemaCreation ? 'backend.skipSchemaCreation is set' : 'this role may not upgrade them'}`,
    {
      hint: `Run cxone-exports backend init with a role that may alter the tables, or ask an administrator to run:\n${sql}`,
    },
  );
  if (options.skipSchemaCreation) throw needed;
  try {
    await options.db.transaction(async (tx) => {
      await tx.query('SELECT pg_advisory_xact_lock($1::bigint)', [advisoryKey('schema', options.schema)]);
      await tx.query(sql);
    });
  } catch (error) {
    if ((error as { code?: unknown }).code === '42501' || /did not allow this role/.test(String(error))) throw needed;
    throw error;
  }
}

async function schemaVersion({ db, schema }: SchemaSetupOptions): Promise<number | undefined> {
  const s = quoteIdentifier(schema);
  return db.transaction(async (tx) => {
    const table = await tx.query<{ found: string | null }>('SELECT to_regclass($1)::text AS found', [
      `${s}.schema_version`,
    ]);
    if (table.rows[0]!.found === null) return undefined;
    const { rows } = await tx.query<{ version: number | null }>(
      `SELECT max(version) AS version FROM ${s}.schema_version`,
    );
    return rows[0]!.version ?? undefined;
  });
}

async function createSchema(options: SchemaSetupOptions): Promise<void> {
  const { db, schema, location } = options;
  await db.transaction(async (tx) => {
    // Two processes starting on an empty database create the tables once.
    await tx.query('SELECT pg_advisory_xact_lock($1::bigint)', [advisoryKey('schema', schema)]);
    // A table of the same name made by something else (an application's `events`) is never taken over: the
    // tables would not be ours, and CREATE TABLE IF NOT EXISTS would silently keep theirs.
    const taken = await tx.query<{ name: string }>(
      `SELECT c.relname AS name FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE n.nspname = $1 AND c.relname = ANY($2::text[]) ORDER BY 1`,
      [schema, [...TABLES]],
    );
    const versioned = await tx.query<{ found: string | null }>('SELECT to_regclass($1)::text AS found', [
      `${quoteIdentifier(schema)}.schema_version`,
    ]);
    if (versioned.rows[0]!.found === null && taken.rows.length > 0)
      throw new UsageError(
        `${location}: the schema ${schema} already has ${taken.rows.map((r) => r.name).join(', ')}, which cxone-exports did not create; nothing was changed`,
        {
          hint: "Give the backend a schema of its own: backend.schema (cxone_exports by default) names one that holds only this tool's tables.",
        },
      );
    // Checked first: CREATE SCHEMA IF NOT EXISTS needs the CREATE privilege even when the schema exists.
    const exists = await tx.query('SELECT 1 FROM information_schema.schemata WHERE schema_name = $1', [schema]);
    if (exists.rows.length === 0) await tx.query(`CREATE SCHEMA ${quoteIdentifier(schema)}`);
    await tx.query(tablesSql(schema));
  });
}
