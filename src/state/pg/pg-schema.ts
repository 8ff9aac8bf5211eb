import { crypto } from '../../on-first-use.js';
// The PostgreSQL backend's tables, versioned: one row per state (lineage, serial), one row per export entry,
// one row per audit event (the same JSON as audit.jsonl), and one row per lease on a state's lock (who holds it,
// its fence, when it ends).

/** The tables this tool makes in its schema: any of them already there, made by something else, is refused. */
export const TABLES = ['schema_version', 'states', 'entries', 'events', 'locks', 'lock_fences', 'audit_heads'] as const;

/** The schema version this cxone-exports writes and reads; a newer one is refused, an older one upgraded. */
export const PG_SCHEMA_VERSION = 5;

/** What each version adds to the one before it, idempotent (safe to run twice). */
const UPGRADES: Record<number, (s: string) => string> = {
  // Whose each state is: the environment (and tenant) it was first written for; another is refused.
  2: (s) => `ALTER TABLE ${s}.states ADD COLUMN IF NOT EXISTS environment text, ADD COLUMN IF NOT EXISTS tenant_id text;
`,
  // Fencing: every grant of a state's lock takes the next token, and the holder's row names it; a commit made
  // under the lock checks the row still does. The events get an index on their own time (ISO 8601 in UTC, which
  // sorts as text), so audit export --since reads only what it returns.
  3: (s) => `CREATE TABLE IF NOT EXISTS ${s}.lock_fences (
  state text PRIMARY KEY,
  fence bigint NOT NULL
);
ALTER TABLE ${s}.locks ADD COLUMN IF NOT EXISTS fence bigint;
CREATE INDEX IF NOT EXISTS events_by_time ON ${s}.events (state, (event ->> 'timestamp'));
`,
  // The lock becomes a lease that lives in no session: the holder's row says when it ends, and nothing holds a
  // session advisory lock any more (connection poolers hand sessions around). A version 3 tool refuses these
  // tables rather than lock beside a version 4 one. A row without an end is an ended lease.
  4: (s) => `ALTER TABLE ${s}.locks ADD COLUMN IF NOT EXISTS expires_at timestamptz;
ALTER TABLE ${s}.locks ALTER COLUMN backend_pid DROP NOT NULL;
`,
  // The audit chain: each event's JSON begins with its sequence number and the hash of the event before it, and
  // each state's head (the last sequence number and hash, signed when a key is set) is updated in the same
  // transaction as the events; every writer of a state's events queues on its head row, briefly.
  5: (s) => `CREATE TABLE IF NOT EXISTS ${s}.audit_heads (
  state text PRIMARY KEY,
  seq bigint NOT NULL,
  hash text NOT NULL,
  signature text
);
`,
};

/** An identifier quoted for SQL (`schema` comes from the config, which the JSON Schema already restricts). */
export function quoteIdentifier(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

/** Everything version 1 needs, idempotent: safe to run twice, and what `backend init --print-sql` prints. */
export function schemaSql(schema: string): string {
  return `CREATE SCHEMA IF NOT EXISTS ${quoteIdentifier(schema)};\n${tablesSql(schema)}`;
}

/** The tables, in a schema that exists. */
export function tablesSql(schema: string): string {
  const s = quoteIdentifier(schema);
  return `CREATE TABLE IF NOT EXISTS ${s}.schema_version (
  version integer NOT NULL
);
CREATE TABLE IF NOT EXISTS ${s}.states (
  name text PRIMARY KEY,
  lineage text NOT NULL,
  serial bigint NOT NULL,
  format_version integer NOT NULL
);
-- One row per export: receivers change one entry in a short transaction, without the state lock.
-- serial: the state serial that last wrote the entry, for compare-and-swap per entry.
-- A removed entry stays as a tombstone (entry NULL) with the serial that removed it.
CREATE TABLE IF NOT EXISTS ${s}.entries (
  state text NOT NULL REFERENCES ${s}.states (name) ON DELETE CASCADE,
  name text NOT NULL,
  entry json,
  serial bigint NOT NULL,
  PRIMARY KEY (state, name)
);
-- The audit events, in the order they were committed; json (not jsonb) keeps each line as it was written.
CREATE TABLE IF NOT EXISTS ${s}.events (
  id bigserial PRIMARY KEY,
  state text NOT NULL,
  kind text NOT NULL,
  event json NOT NULL,
  recorded_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX IF NOT EXISTS events_by_state ON ${s}.events (state, id);
-- Who holds a state's lock (version 4 makes it a lease, with the time it ends).
CREATE TABLE IF NOT EXISTS ${s}.locks (
  state text PRIMARY KEY,
  info json NOT NULL,
  backend_pid integer NOT NULL
);
${upgradeSql(schema, 1)}`;
}

/** The SQL that takes tables at version `from` to PG_SCHEMA_VERSION, and records that it did. */
export function upgradeSql(schema: string, from: number): string {
  const s = quoteIdentifier(schema);
  let sql = '';
  for (let version = from + 1; version <= PG_SCHEMA_VERSION; version++) sql += UPGRADES[version]!(s);
  return `${sql}INSERT INTO ${s}.schema_version (version)
  SELECT ${PG_SCHEMA_VERSION} WHERE NOT EXISTS (SELECT 1 FROM ${s}.schema_version WHERE version >= ${PG_SCHEMA_VERSION});
`;
}

/** An advisory lock key: 64 bits of a hash of what it guards, so no two things share one (terraform#22833). */
export function advisoryKey(...parts: string[]): string {
  return crypto()
    .createHash('sha256')
    .update(['cxone-exports', ...parts].join('\0'))
    .digest()
    .readBigInt64BE(0)
    .toString();
}
