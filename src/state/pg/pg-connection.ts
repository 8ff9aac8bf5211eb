// Where the PostgreSQL backend connects: from the environment only (CXONE_EXPORTS_PG_URL, else libpq's PG*
// variables), never from a file in the repository. The password is registered as a secret at once, so no log,
// error or plan can show it; messages name the host, port and database only.

import type { ClientConfig } from 'pg';
import { parse as parseConnectionString } from 'pg-connection-string';
import { ExternalError, UsageError } from '../../errors.js';
import { registerSecret } from '../../redaction.js';

type Env = Readonly<Record<string, string | undefined>>;

export interface PgConnection {
  config: ClientConfig;
  /** host:port/database, for messages. */
  where: string;
}

export function pgConnectionFromEnvironment(env: Env): PgConnection {
  const url = nonEmpty(env.CXONE_EXPORTS_PG_URL);
  if (url !== undefined) {
    const scheme = /^([a-z][a-z0-9+.-]*):\/\//i.exec(url)?.[1]?.toLowerCase();
    if (scheme === undefined)
      throw new UsageError('CXONE_EXPORTS_PG_URL is not a URL', {
        hint: 'Set it to postgres://USER:PASSWORD@HOST:5432/DATABASE?sslmode=verify-full (or use PGHOST, PGUSER, …).',
      });
    if (scheme !== 'postgres' && scheme !== 'postgresql')
      throw new UsageError(`CXONE_EXPORTS_PG_URL must be a postgres:// URL, not ${scheme}://…`, {
        hint: 'Set it to postgres://USER:PASSWORD@HOST:5432/DATABASE?sslmode=verify-full.',
      });
    // libpq's forms, as pg reads them: a socket folder as host (postgresql://u:p@/db?host=/run/postgresql), and
    // escapes kept as they are where they do not decode.
    let parsed: ReturnType<typeof parseConnectionString>;
    try {
      parsed = parseConnectionString(url);
    } catch {
      throw new UsageError('CXONE_EXPORTS_PG_URL cannot be read as a connection URL', {
        hint: 'Write it as postgres://USER:PASSWORD@HOST:5432/DATABASE, with any reserved character of the password percent-encoded.',
      });
    }
    registerSecret(parsed.password ?? undefined);
    registerSecret(safeDecode(/^[^:]+:\/\/[^:@/]*:([^@]*)@/.exec(url)?.[1]));
    const where = `${parsed.host || 'localhost'}:${parsed.port || '5432'}/${parsed.database || '(default database)'}`;
    return { config: { connectionString: url }, where };
  }
  const host = nonEmpty(env.PGHOST);
  const database = nonEmpty(env.PGDATABASE);
  if (host === undefined && database === undefined)
    throw new UsageError('the pg backend has no database to connect to', {
      hint: 'Set CXONE_EXPORTS_PG_URL=postgres://USER:PASSWORD@HOST:5432/DATABASE, or PGHOST, PGPORT, PGUSER, PGPASSWORD and PGDATABASE. The connection never comes from a file in the repository.',
    });
  const password = nonEmpty(env.PGPASSWORD);
  registerSecret(password);
  const port = Number(nonEmpty(env.PGPORT) ?? '5432');
  const user = nonEmpty(env.PGUSER) ?? nonEmpty(env.USER);
  const config: ClientConfig = {
    host: host ?? 'localhost',
    port,
    ...(database === undefined ? {} : { database }),
    ...(user === undefined ? {} : { user }),
    ...(password === undefined ? {} : { password }),
  };
  return { config, where: `${config.host}:${port}/${database ?? user ?? '(default database)'}` };
}

const UNREACHABLE = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'ETIMEDOUT', 'EHOSTUNREACH', 'ECONNRESET']);

/**
 * A PostgreSQL failure as the user should read it: unreachable, login refused, no such database, not allowed;
 * with where (host, port, database) but never the password. Other errors pass through unchanged.
 */
export function describePgError(error: unknown, where: string, statementTimeoutMs = 30_000): unknown {
  if (!(error instanceof Error)) return error;
  const code = (error as { code?: unknown }).code;
  const text = typeof code === 'string' ? code : '';
  // Cancelled by statement_timeout (57014), or the client's own timeout: something waited too long.
  if (text === '57014' || /Query read timeout/i.test(error.message))
    return new ExternalError(
      `PostgreSQL at ${where} did not finish a statement within ${Math.round(statementTimeoutMs / 1000)} s (backend.statementTimeout): it waited, most likely for a table or row another session locks`,
      {
        hint: "See who holds it: SELECT pid, state, query FROM pg_stat_activity WHERE wait_event_type = 'Lock' OR state = 'idle in transaction'; end that session, or raise backend.statementTimeout. Nothing more was written.",
      },
    );
  // PgBouncer and its kind refuse what a session would keep: they say so in a protocol error (08P01).
  const refused = /unsupported startup parameter:?\s*(\S+)/i.exec(error.message);
  if (refused !== null)
    return new ExternalError(
      `this looks like a connection pooler at ${where} refusing the startup parameter ${refused[1]}`,
      {
        hint: `cxone-exports sends none but application_name, so ${refused[1]} comes from CXONE_EXPORTS_PG_URL's options= or PGOPTIONS: remove it there, or list it in the pooler's ignore_startup_parameters. Nothing was read or written.`,
      },
    );
  if (text === '25006')
    return new ExternalError(
      `PostgreSQL at ${where} is read-only (25006): it looks like a standby, as after a failover, so nothing was written`,
      {
        hint: "Point CXONE_EXPORTS_PG_URL at the primary (a managed database's read-write endpoint, or a pooler in front of it), or add target_session_attrs=read-write; then run the command again.",
      },
    );
  if (
    UNREACHABLE.has(text) ||
    text.startsWith('08') ||
    text === '57P01' ||
    text === '57P03' ||
    /Connection terminated|timeout exceeded when trying to connect|not queryable/i.test(error.message)
  )
    return new ExternalError(`cannot reach PostgreSQL at ${where} (${text || error.message})`, {
      hint: 'Check that the server runs and that CXONE_EXPORTS_PG_URL (or PGHOST, PGPORT) points at it. Nothing was changed.',
    });
  if (/does not support SSL/i.test(error.message))
    return new ExternalError(
      `PostgreSQL at ${where} does not accept TLS connections, and the connection asks for one (sslmode)`,
      {
        hint: 'Enable TLS on the server (recommended across a network), or connect without it on a trusted network: sslmode=disable in CXONE_EXPORTS_PG_URL (or PGSSLMODE).',
      },
    );
  if (
    /self[- ]signed certificate|unable to verify the first certificate|certificate has expired|Hostname\/IP does not match/i.test(
      error.message,
    )
  )
    return new ExternalError(`PostgreSQL at ${where}: its TLS certificate cannot be verified (${error.message})`, {
      hint: "Give the CA that signed it with sslrootcert=/path/to/ca.pem in CXONE_EXPORTS_PG_URL, or check that the host name is the certificate's.",
    });
  if (text === '22023' || text === '42704')
    return new ExternalError(`PostgreSQL at ${where} refused a setting of the connection: ${error.message}`, {
      hint: 'Check the options= of CXONE_EXPORTS_PG_URL (or PGOPTIONS); nothing was read or written.',
    });
  if (text === '28P01' || text === '28000')
    return new ExternalError(`PostgreSQL at ${where} refused the login (${text})`, {
      hint: 'Check the user and password in CXONE_EXPORTS_PG_URL (or PGUSER and PGPASSWORD).',
    });
  if (text === '3D000')
    return new ExternalError(`PostgreSQL at ${where}: the database does not exist`, {
      hint: 'Create it, or point CXONE_EXPORTS_PG_URL (or PGDATABASE) at the right one.',
    });
  if (text === '42501')
    return new ExternalError(`PostgreSQL at ${where} did not allow this role to do that: ${error.message}`, {
      hint: 'Grant the role what its command needs (docs/guides/state-backends.md: the plan, apply and serve roles).',
    });
  return error;
}

/** A percent-decoded text, or the text as it is where it does not decode (`%zz`). */
function safeDecode(text: string | undefined): string | undefined {
  if (text === undefined) return undefined;
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === '' ? undefined : value;
}
