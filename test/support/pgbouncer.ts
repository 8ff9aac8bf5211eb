// A PgBouncer of a test file's own (pgbouncer-process.mjs), started before its tests and stopped after them.

import { afterAll, beforeAll } from 'vitest';
import { startPgBouncer } from './pgbouncer-process.mjs';
import type { PgBouncer, PoolMode } from './pgbouncer-process.mjs';
import { PG_HOST, PG_PORT } from './postgres.js';

export type { PgBouncer, PoolMode } from './pgbouncer-process.mjs';
export { startPgBouncer } from './pgbouncer-process.mjs';

export function pgBouncer(
  mode: PoolMode,
  server: { host: string; port: number } = { host: PG_HOST, port: PG_PORT },
): () => PgBouncer {
  let running: PgBouncer | undefined;
  beforeAll(async () => {
    running = await startPgBouncer(mode, server);
  });
  afterAll(() => running?.stop());
  return () => {
    if (running === undefined) throw new Error('PgBouncer has not started yet: call this inside a test');
    return running;
  };
}
