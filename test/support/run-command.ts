// Runs a command line in this process, as the installed command would run it, against an io the test controls:
// its working directory, its environment (nothing leaks in from the machine), its clock and captured streams.
// For what a command prints and decides; a test whose subject is the process itself (an exit by signal,
// start-up, the packaged files) spawns it with run-cli.ts.

import { PassThrough, Writable } from 'node:stream';
import { systemClock } from '../../src/clock.js';
import type { Clock } from '../../src/clock.js';
import type { CommandIo } from '../../src/cli/command-io.js';
import { runCommandLine } from '../../src/cli/run-command-line.js';
import type { CliResult } from './run-cli.js';

export interface CommandOptions {
  cwd: string;
  /** Added to an environment of PATH and HOME only. */
  env?: Record<string, string | undefined>;
  clock?: Clock;
  /** What the command reads on stdin; it ends after this. */
  input?: string;
}

function capture(): { stream: Writable; text: () => string } {
  const chunks: Buffer[] = [];
  const stream = new Writable({
    write(chunk: Buffer | string, _encoding, done) {
      chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk));
      done();
    },
  });
  return { stream, text: () => Buffer.concat(chunks).toString('utf8') };
}

/** Runs `cxone-exports ...args` in this process; resolves with its exit code and what it printed. */
export async function runCommand(args: string[], options: CommandOptions): Promise<CliResult> {
  const env: Record<string, string | undefined> = { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '' };
  for (const [key, value] of Object.entries(options.env ?? {})) if (value !== undefined) env[key] = value;
  const stdin = new PassThrough();
  stdin.end(options.input ?? '');
  const stdout = capture();
  const stderr = capture();
  const io: CommandIo = {
    cwd: options.cwd,
    env,
    clock: options.clock ?? systemClock,
    stdin,
    stdout: stdout.stream,
    stderr: stderr.stream,
  };
  const code = await runCommandLine(args, io);
  return { code, stdout: stdout.text(), stderr: stderr.text() };
}
