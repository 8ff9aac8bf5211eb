// What a command line runs against: its working directory, its environment, its clock and its three streams.
// The installed command hands down the process's (cli.ts); a test hands down its own and runs the command in
// its own process (test/support/run-command.ts), as the GitHub CLI's factory does.

import type { Clock } from '../clock.js';

export interface CommandIo {
  /** Where the command was started; -C and relative paths resolve against it. */
  cwd: string;
  env: Readonly<Record<string, string | undefined>>;
  clock: Clock;
  stdin: NodeJS.ReadableStream & { isTTY?: boolean };
  stdout: NodeJS.WritableStream & { isTTY?: boolean };
  stderr: NodeJS.WritableStream & { isTTY?: boolean };
}
