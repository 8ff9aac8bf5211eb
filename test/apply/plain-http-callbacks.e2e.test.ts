// apply and a plain-http callback URL whose name says "this machine" but whose address does not: CXone would
// post the completion in clear text to wherever the name resolves. A mount namespace of the test's own gives
// the CLI an /etc/hosts where evil.localhost is 192.0.2.7; nothing is sent there, or anywhere.

import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { definitionYaml, miniRepo } from '../support/fixtures.js';
import { CLI } from '../support/run-cli.js';
import { simEnvironment, startSimulator } from '../support/simulator.js';

describe('apply and plain-http callbacks', () => {
  it('refuses a loopback name that resolves off this machine, and sends nothing', async () => {
    const sim = await startSimulator();
    const dir = miniRepo({
      '.git/HEAD': '',
      'cxone-exports.config.yaml': 'apply:\n  spacingMs: 0\n',
      'exports/a.yaml': definitionYaml('a', ['maxRows: 1000'], ['callbackUrl: http://evil.localhost:8080/cb']),
      'exports/b.yaml': definitionYaml('b', ['maxRows: 1000'], ['callbackUrl: http://localhost:8080/cb']),
    });
    const hosts = join(dir, 'hosts');
    writeFileSync(hosts, '127.0.0.1 localhost\n::1 localhost\n192.0.2.7 evil.localhost\n');
    // Not spawnSync: the simulator answers from this process.
    const applyWithHosts = async (args: string[]) => {
      const child = spawn(
        'unshare',
        [
          '--mount',
          'sh',
          '-c',
          `mount --bind "${hosts}" /etc/hosts && exec "$@"`,
          'sh',
          process.execPath,
          CLI,
          ...args,
        ],
        { cwd: dir, env: { PATH: process.env.PATH, ...simEnvironment(sim) }, stdio: ['ignore', 'pipe', 'pipe'] },
      );
      let stderr = '';
      child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
      child.stdout.resume();
      const [status] = (await once(child, 'close')) as [number | null];
      return { status, stderr };
    };

    const refused = await applyWithHosts(['apply', '--auto-approve']);
    expect(refused.status).toBe(1);
    expect(refused.stderr).toContain('plain-http callback URLs must lead only to this machine, and these do not:');
    expect(refused.stderr).toContain(
      'http://evil.localhost:8080/cb (a): evil.localhost resolves to 192.0.2.7, which is not this machine',
    );
    expect(refused.stderr).not.toContain('http://localhost:8080/cb (b)');
    expect(sim.record().requests).toHaveLength(0);

    // Where the name resolves to this machine after all, it goes ahead.
    writeFileSync(hosts, '127.0.0.1 localhost evil.localhost\n');
    const applied = await applyWithHosts(['apply', '--auto-approve']);
    expect(applied.status, applied.stderr).toBe(0);
    expect(sim.record().executions).toHaveLength(2);
  });
});
