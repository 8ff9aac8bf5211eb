import { describe, expect, it } from 'vitest';
import { ExternalError } from '../../errors.js';
import { describePgError } from './pg-connection.js';

/** An error as pg's client raises it: a message and PostgreSQL's (or PgBouncer's) SQLSTATE. */
function pgError(message: string, code: string): Error {
  return Object.assign(new Error(message), { code });
}

describe('a PostgreSQL failure as the user reads it', () => {
  it('names a pooler refusing a startup parameter, and where the parameter comes from', () => {
    const described = describePgError(
      pgError('unsupported startup parameter: search_path', '08P01'),
      'db.internal:6432/exports',
    ) as ExternalError;
    expect(described).toBeInstanceOf(ExternalError);
    expect(described.message).toBe(
      'this looks like a connection pooler at db.internal:6432/exports refusing the startup parameter search_path',
    );
    expect(described.hint).toContain(
      "options= or PGOPTIONS: remove it there, or list it in the pooler's ignore_startup_parameters",
    );
  });

  it('names a read-only standby after a failover, not an unreachable server', () => {
    const described = describePgError(
      pgError('cannot execute UPDATE in a read-only transaction', '25006'),
      'db:5432/exports',
    ) as ExternalError;
    expect(described.message).toBe(
      'PostgreSQL at db:5432/exports is read-only (25006): it looks like a standby, as after a failover, so nothing was written',
    );
    expect(described.hint).toContain('target_session_attrs=read-write');
  });
});
