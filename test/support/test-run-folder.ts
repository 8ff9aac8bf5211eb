// Vitest's global set-up for every project: one folder for the run, which is the temporary folder (TMPDIR) of the
// test workers and of every process they start, with the CLI's cache folder inside (warm across the run's
// spawns, never the developer's). At the end nothing a test started may still run or be mounted there: a server,
// a PostgreSQL cluster, a pooler, a CLI or a small disk left behind fails the run, by name, and is stopped; then
// the folder is removed, so no temporary folder outlives the run either.

import { execFileSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** The processes whose command line names `folder`, or which run in it. */
export function processesIn(folder: string): { pid: number; command: string }[] {
  const found: { pid: number; command: string }[] = [];
  for (const entry of readdirSync('/proc')) {
    const pid = Number(entry);
    if (!Number.isInteger(pid) || pid === process.pid) continue;
    try {
      const command = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ').trim();
      const cwd = readlinkSync(`/proc/${pid}/cwd`);
      if (command.includes(folder) || cwd === folder || cwd.startsWith(`${folder}/`)) found.push({ pid, command });
    } catch {
      // Gone meanwhile, or a kernel thread.
    }
  }
  return found;
}

/** File systems mounted in `folder` (the small disks of the full-disk tests). */
export function mountsIn(folder: string): string[] {
  return readFileSync('/proc/mounts', 'utf8')
    .split('\n')
    .map((line) => line.split(' ')[1] ?? '')
    .filter((point) => point.startsWith(`${folder}/`));
}

export default function useTestRunFolder(): (() => void) | undefined {
  // The projects share one folder: the first project's set-up makes it, and its teardown checks it.
  if (process.env.CXONE_TEST_RUN_FOLDER !== undefined) return undefined;
  const folder = mkdtempSync(join(tmpdir(), 'cxone-test-run-'));
  // Clusters run as the postgres user, in folders of their own inside this one.
  chmodSync(folder, 0o755);
  const cache = join(folder, 'cache');
  mkdirSync(cache);
  process.env.CXONE_TEST_RUN_FOLDER = folder;
  // Read by test/support/run-cli.ts (testEnvironment), which every spawn of the CLI starts from.
  process.env.CXONE_TEST_CACHE_HOME = cache;
  process.env.TMPDIR = folder;
  return () => {
    const left = processesIn(folder);
    for (const { pid } of left) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // Gone meanwhile.
      }
    }
    const mounts = mountsIn(folder);
    for (const point of mounts) execFileSync('umount', ['--lazy', point]);
    rmSync(folder, { recursive: true, force: true });
    const outlived = [
      ...left.map((p) => `  process ${p.pid}: ${p.command}`),
      ...mounts.map((point) => `  mount: ${point}`),
    ];
    if (outlived.length > 0) {
      // Vitest reports an error thrown here but exits 0: the run must fail.
      process.exitCode = 1;
      throw new Error(`What the tests started outlived them (now stopped):\n${outlived.join('\n')}`);
    }
  };
}
