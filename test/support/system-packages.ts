// Vitest's global set-up: what the tests run for real from the system (libfaketime pins a CLI process's clock,
// promtool checks the alert rules, shellcheck the workflows' scripts, systemd-analyze the units, pgbouncer stands
// in front of PostgreSQL as teams' poolers do, chromium shows the status page) is installed here when it is missing, from
// Debian's packages, so `npm test` alone passes on a fresh machine. Without the rights to install, the run stops
// at once with one line that names the packages and the command.

import { spawnSync } from 'node:child_process';

/** The command each test needs, and the Debian package that has it. */
const NEEDED: readonly { command: string; pkg: string }[] = [
  { command: 'faketime', pkg: 'faketime' },
  { command: 'promtool', pkg: 'prometheus' },
  { command: 'shellcheck', pkg: 'shellcheck' },
  { command: 'systemd-analyze', pkg: 'systemd' },
  { command: 'pgbouncer', pkg: 'pgbouncer' },
  // The status page is tested in a real browser: Debian's, driven by playwright-core (no browser download).
  { command: 'chromium', pkg: 'chromium' },
];

function has(command: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${command}`], { stdio: 'ignore' }).status === 0;
}

export default function installSystemPackages(): void {
  const missing = NEEDED.filter(({ command }) => !has(command)).map(({ pkg }) => pkg);
  if (missing.length === 0) return;
  const install = `apt-get install -y --no-install-recommends ${missing.join(' ')}`;
  // Root installs; elsewhere sudo does, if it may without a password (GitHub's hosted runners).
  const asRoot = process.getuid?.() === 0;
  const sudo = asRoot ? [] : ['sudo', '-n'];
  const canInstall = has('apt-get') && (asRoot || spawnSync('sudo', ['-n', 'true'], { stdio: 'ignore' }).status === 0);
  if (!canInstall)
    throw new Error(`the tests need ${missing.join(', ')} (Debian packages); install them with: sudo ${install}`);
  process.stderr.write(`Installing what the tests need from Debian: ${missing.join(', ')}\n`);
  for (const args of [
    ['apt-get', 'update', '-q'],
    ['env', 'DEBIAN_FRONTEND=noninteractive', 'apt-get', 'install', '-y', '-q', '--no-install-recommends', ...missing],
  ]) {
    const [command, ...rest] = [...sudo, ...args];
    const result = spawnSync(command!, rest, { stdio: ['ignore', 'ignore', 'pipe'], encoding: 'utf8' });
    if (result.status !== 0)
      throw new Error(
        `could not install ${missing.join(', ')} (${args.join(' ')}): ${result.stderr.trim().split('\n').at(-1) ?? ''}`,
      );
  }
  process.stderr.write(`Installed ${missing.join(', ')}.\n`);
}
