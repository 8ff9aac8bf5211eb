// A PostgreSQL server of a test's own (initdb in a temporary directory, on a free port), so a test may stop and
// restart it without touching the machine's shared server. PostgreSQL refuses to run as root: its commands run as
// the postgres user.

import { execFileSync } from 'node:child_process';
import { chownSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { onTestFinished } from 'vitest';
import { freePort } from './serve-process.js';

function binaries(): string {
  const version = readdirSync('/usr/lib/postgresql').sort().at(-1);
  if (version === undefined) throw new Error('no PostgreSQL under /usr/lib/postgresql');
  return `/usr/lib/postgresql/${version}/bin`;
}

function asPostgres(command: string, args: string[]): void {
  execFileSync('runuser', ['-u', 'postgres', '--', join(binaries(), command), ...args], { stdio: 'pipe' });
}

export interface PrivatePostgres {
  url: string;
  stop(): void;
  start(): void;
  /** `pg_ctl restart -m fast`: every session ends, and the server is back when this returns. */
  restart(): void;
}

/**
 * Initializes and starts a server for the test that calls this; it is stopped and removed when that test
 * finishes, passed or failed. (An afterAll registered from inside a test never ran: clusters outlived the run.)
 */
export async function privatePostgres(): Promise<PrivatePostgres> {
  const dir = mkdtempSync(join(tmpdir(), 'cxone-pg-'));
  const postgres = Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).trim());
  chownSync(dir, postgres, postgres);
  const data = join(dir, 'data');
  const port = await freePort();
  asPostgres('initdb', ['-D', data, '-U', 'postgres', '--auth=trust', '--no-sync']);
  const options = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off`;
  const start = () => asPostgres('pg_ctl', ['-D', data, '-o', options, '-l', join(dir, 'log'), '-w', 'start']);
  const stop = () => asPostgres('pg_ctl', ['-D', data, '-m', 'fast', '-w', 'stop']);
  start();
  onTestFinished(() => {
    try {
      asPostgres('pg_ctl', ['-D', data, '-m', 'immediate', '-w', 'stop']);
    } catch {
      // Already stopped.
    }
    rmSync(dir, { recursive: true, force: true });
  });
  const restart = () =>
    asPostgres('pg_ctl', ['-D', data, '-o', options, '-l', join(dir, 'log'), '-m', 'fast', '-w', 'restart']);
  return { url: `postgres://postgres@127.0.0.1:${port}/postgres`, stop, start, restart };
}
