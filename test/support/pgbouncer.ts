// A PgBouncer of a test's own, in front of a PostgreSQL (the machine's, by default): Debian's pgbouncer as it
// comes, in transaction or session pooling, on a free port, run as the postgres user (it refuses root) and
// stopped after the test file. Any database name passes through to the server, so testDatabase()'s work too.

import { execFileSync } from 'node:child_process';
import { chownSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll } from 'vitest';
import { PG_HOST, PG_PORT, PG_USER } from './postgres.js';
import { freePort } from './serve-process.js';

export type PoolMode = 'transaction' | 'session';

export interface PgBouncer {
  port: number;
  /** The URL of `database` through the pooler. */
  url(database: string): string;
  stop(): void;
}

/** Starts one before the test file's tests and stops it after them. */
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

export async function startPgBouncer(mode: PoolMode, server: { host: string; port: number }): Promise<PgBouncer> {
  const dir = mkdtempSync(join(tmpdir(), 'cxone-pgbouncer-'));
  const postgres = Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).trim());
  chownSync(dir, postgres, postgres);
  const port = await freePort();
  const ini = join(dir, 'pgbouncer.ini');
  writeFileSync(join(dir, 'users.txt'), `"${PG_USER}" ""\n`);
  writeFileSync(
    ini,
    [
      '[databases]',
      `* = host=${server.host} port=${server.port}`,
      '[pgbouncer]',
      'listen_addr = 127.0.0.1',
      `listen_port = ${port}`,
      `unix_socket_dir = ${dir}`,
      'auth_type = trust',
      `auth_file = ${join(dir, 'users.txt')}`,
      `pool_mode = ${mode}`,
      'max_client_conn = 500',
      'default_pool_size = 20',
      `logfile = ${join(dir, 'pgbouncer.log')}`,
      `pidfile = ${join(dir, 'pgbouncer.pid')}`,
      '',
    ].join('\n'),
  );
  for (const file of ['users.txt', 'pgbouncer.ini']) chownSync(join(dir, file), postgres, postgres);
  execFileSync('runuser', ['-u', 'postgres', '--', 'pgbouncer', '-d', ini], { stdio: 'pipe' });
  await listening(port);
  const stop = () => {
    try {
      process.kill(Number(readFileSync(join(dir, 'pgbouncer.pid'), 'utf8').trim()), 'SIGINT');
    } catch {
      // Already gone.
    }
    rmSync(dir, { recursive: true, force: true });
  };
  return {
    port,
    url: (database) => `postgres://${PG_USER}@127.0.0.1:${port}/${database}`,
    stop,
  };
}

/** Resolves once something accepts connections on the port (the daemon forks before it listens). */
async function listening(port: number): Promise<void> {
  for (let attempt = 0; attempt < 100; attempt++) {
    const accepted = await new Promise<boolean>((resolve) => {
      const socket = connect(port, '127.0.0.1');
      socket.once('connect', () => {
        socket.destroy();
        resolve(true);
      });
      socket.once('error', () => resolve(false));
    });
    if (accepted) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`PgBouncer did not listen on ${port}`);
}
