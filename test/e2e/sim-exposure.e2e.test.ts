// `cxone-exports sim` where someone else can reach it: bound beyond loopback it says so, makes credentials of
// its own, and its control routes answer peers beyond loopback only with the token it printed; an address it
// cannot listen on is one line, not a stack.

import { spawnSync } from 'node:child_process';
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEMO_CREDENTIALS } from '../../src/simulator/simulator-options.js';
import { CLI, runCli } from '../support/run-cli.js';

const PROBE = join(import.meta.dirname, '..', 'support', 'sim-peer-probe.mjs');

describe('cxone-exports sim, exposed', () => {
  it('exits 1 with one line on a port in use, and on an address that is not this machine', async () => {
    const busy = createServer();
    await new Promise<void>((resolve) => busy.listen(0, '127.0.0.1', resolve));
    try {
      const port = String((busy.address() as AddressInfo).port);
      const taken = runCli(['sim', '--port', port], { cwd: import.meta.dirname });
      expect(taken.code).toBe(1);
      expect(taken.stderr.trim().split('\n')).toEqual([
        `Error: cannot listen on 127.0.0.1:${port}: the port is in use (pick another with --port)`,
      ]);
      // 192.0.2.1 is a documentation address, on no interface of this machine: listening fails, nothing is sent.
      const foreign = runCli(['sim', '--host', '192.0.2.1', '--port', '0'], { cwd: import.meta.dirname });
      expect(foreign.code).toBe(1);
      expect(foreign.stderr.trim().split('\n')).toEqual([
        'Error: cannot listen on 192.0.2.1:0: 192.0.2.1 is not an address of this machine',
      ]);
    } finally {
      await new Promise((resolve) => busy.close(resolve));
    }
  });

  it('bound beyond loopback, warns, makes its own credentials and guards its control routes with a token', () => {
    const script = `ip link set lo up && ip addr add 192.0.2.1/32 dev lo && exec "${process.execPath}" "${PROBE}" "${CLI}"`;
    const probe = spawnSync('unshare', ['--net', 'sh', '-c', script], { encoding: 'utf8', timeout: 30_000 });
    expect(probe.status, probe.stderr).toBe(0);
    const seen = JSON.parse(probe.stdout) as Record<string, string | number>;
    expect(seen).toMatchObject({ loopback: 200, beyond: 401, beyondWithToken: 200, beyondWithWrongToken: 401 });
    expect(seen.stderr).toContain('Warning: listening beyond loopback');
    for (const demo of Object.values(DEMO_CREDENTIALS)) expect(seen.stdout).not.toContain(`=${demo}\n`);
  });
});
