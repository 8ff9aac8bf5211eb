// Starting and stopping a PgBouncer of one's own (Debian's pgbouncer, as it comes), for the tests
// (test/support/pgbouncer.ts) and the bench alike: in transaction or session pooling, on a free port, in front of
// a PostgreSQL, run as the postgres user (it refuses root). Any database name passes through to the server.

import { execFileSync } from 'node:child_process';
import { chownSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { connect, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Starts one; resolves with its port, a URL maker and a stop function once it accepts connections. */
export async function startPgBouncer(mode, server, user = process.env.PGUSER ?? 'postgres') {
  const dir = mkdtempSync(join(tmpdir(), 'cxone-pgbouncer-'));
  const postgres = Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).trim());
  chownSync(dir, postgres, postgres);
  const port = await freePort();
  const ini = join(dir, 'pgbouncer.ini');
  writeFileSync(join(dir, 'users.txt'), `"${user}" ""\n`);
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
  return {
    port,
    url: (database) => `postgres://${user}@127.0.0.1:${port}/${database}`,
    stop: () => {
      try {
        // SIGTERM, PgBouncer's immediate shutdown: SIGINT waits for every client to leave, which one still
        // connected (a CLI a test killed) never does.
        process.kill(Number(readFileSync(join(dir, 'pgbouncer.pid'), 'utf8').trim()), 'SIGTERM');
      } catch {
        // Already gone.
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

async function freePort() {
  const probe = createServer();
  await new Promise((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address();
  await new Promise((resolve) => probe.close(resolve));
  return port;
}

/** Resolves once something accepts connections on the port (the daemon forks before it listens). */
async function listening(port) {
  for (let attempt = 0; attempt < 100; attempt++) {
    const accepted = await new Promise((resolve) => {
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
