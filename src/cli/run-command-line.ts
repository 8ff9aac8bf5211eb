// One command line, start to exit code, against the io it is given: what the installed command runs (cli.ts,
// with the process's io) and what a test runs in its own process (test/support/run-command.ts).

import { CommanderError } from 'commander';
import { CliError, ExitError } from '../errors.js';
import type { CommandIo } from './command-io.js';
import { buildProgram } from './program.js';
import { renderError } from './render-error.js';

/** Runs `args` (the words after the command's name) and says the exit code; errors are printed, never thrown. */
export async function runCommandLine(args: readonly string[], io: CommandIo): Promise<number> {
  try {
    await buildProgram(undefined, io).parseAsync([...args], { from: 'user' });
    return 0;
  } catch (error) {
    if (error instanceof ExitError) return error.exitCode;
    // Commander has already printed its own message (or the help or version text).
    if (error instanceof CommanderError) return error.exitCode === 0 ? 0 : 1;
    io.stderr.write(renderError(error, { colorFlag: args.includes('--no-color') ? false : undefined, io }));
    return error instanceof CliError ? error.exitCode : 1;
  }
}
