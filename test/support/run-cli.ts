// Runs the built CLI as a user would: a fresh process, in a given directory, with a controlled environment.

import { spawnSync } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { join } from 'node:path';

export const CLI = join(import.meta.dirname, '..', '..', 'dist', 'cli', 'main.js');

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/**
 * Where every spawned CLI starts: a clean environment (no CI or colour variables leak in from the machine running
 * the tests), with the run's own cache and temporary folders (test-run-folder.ts), never the developer's.
 */
export function testEnvironment(): Record<string, string> {
  const cache = process.env.CXONE_TEST_CACHE_HOME;
  const temporary = process.env.CXONE_TEST_RUN_FOLDER;
  return {
    PATH: process.env.PATH ?? '',
    HOME: process.env.HOME ?? '',
    ...(cache === undefined ? {} : { XDG_CACHE_HOME: cache }),
    ...(temporary === undefined ? {} : { TMPDIR: temporary }),
  };
}

export function runCli(args: string[], options: { cwd: string; env?: Record<string, string | undefined> }): CliResult {
  const env = testEnvironment();
  for (const [key, value] of Object.entries(options.env ?? {})) if (value !== undefined) env[key] = value;
  const result = spawnSync(process.execPath, [CLI, ...args], {
    cwd: options.cwd,
    env,
    encoding: 'utf8',
    timeout: 20_000,
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** The CLI as a child process that does not block this one (tests run the simulator in-process). */
export async function runCliAsync(
  args: string[],
  options: {
    cwd: string;
    env?: Record<string, string | undefined>;
    onSpawn?: (child: ChildProcess) => void;
    input?: string;
  },
): Promise<CliResult> {
  const { spawn } = await import('node:child_process');
  const env = testEnvironment();
  for (const [key, value] of Object.entries(options.env ?? {})) if (value !== undefined) env[key] = value;
  const child = spawn(process.execPath, [CLI, ...args], { cwd: options.cwd, env, stdio: ['pipe', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  // A command that ends without reading its input closes the pipe: the write then fails with EPIPE, which is no
  // failure of the test (seen when a loaded machine started the write late).
  child.stdin.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code !== 'EPIPE') throw error;
  });
  child.stdin.end(options.input ?? '');
  options.onSpawn?.(child);
  // 'close', not 'exit': the last of the output may still be on its way when the process has exited.
  const code = await new Promise<number | null>((resolve) =>
    child.on('close', (c, signal) => resolve(c ?? (signal === 'SIGKILL' ? 137 : null))),
  );
  return { code, stdout, stderr };
}

/**
 * Runs the CLI without the capability to override file permissions. Tests run as root, who may read and write
 * anything; without CAP_DAC_OVERRIDE and CAP_DAC_READ_SEARCH, a mode of 000 or 555 binds root too.
 */
export function runCliWithoutOverride(args: string[], options: { cwd: string }): CliResult {
  const drop = '-dac_override,-dac_read_search';
  const result = spawnSync(
    'setpriv',
    [`--inh-caps=${drop}`, `--bounding-set=${drop}`, process.execPath, CLI, ...args],
    {
      cwd: options.cwd,
      env: testEnvironment(),
      encoding: 'utf8',
      timeout: 20_000,
    },
  );
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** Resolves once the child's standard error has said `text`: an event a test cannot otherwise see. */
export function stderrSays(child: ChildProcess, text: string): Promise<void> {
  return new Promise((resolve, reject) => {
    let said = '';
    child.stderr?.on('data', (chunk: Buffer) => {
      said += chunk.toString();
      if (said.includes(text)) resolve();
    });
    child.on('close', () => reject(new Error(`the process ended without saying ${JSON.stringify(text)}:\n${said}`)));
  });
}
