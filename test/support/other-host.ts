// The CLI as if on another machine: a UTS namespace of its own (`unshare -u`) with another hostname, so a lock
// taken there names that host, and this host cannot judge whether its holder still runs (as with two CI runners
// sharing one database).

import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { CLI } from './run-cli.js';
import type { CliResult } from './run-cli.js';

export async function runOnHost(
  host: string,
  args: string[],
  options: { cwd: string; env: Record<string, string>; onSpawn?: (child: ChildProcess) => void },
): Promise<CliResult> {
  // unshare and sh exec what follows, so the child's pid is the CLI's own: a signal to it reaches the CLI.
  const child = spawn(
    'unshare',
    ['-u', 'sh', '-c', 'hostname "$0" && exec "$@"', host, process.execPath, CLI, ...args],
    { cwd: options.cwd, env: { PATH: process.env.PATH ?? '', ...options.env }, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  options.onSpawn?.(child);
  const code = await new Promise<number | null>((resolve) =>
    child.on('close', (c, signal) => resolve(c ?? (signal === 'SIGKILL' ? 137 : null))),
  );
  return { code, stdout, stderr };
}
