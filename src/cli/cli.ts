// The CLI's script (dist/cli/cli.cjs, which the bin main.ts runs): the only module that calls process.exit.
// Everything below throws typed errors instead.

import { CommanderError } from 'commander';
import { CliError, ExitError } from '../errors.js';
import { deliverInterrupt, exitCodeFor } from './signal-handlers.js';
import type { InterruptSignal } from './signal-handlers.js';
import { buildProgram } from './program.js';
import { renderError } from './render-error.js';

// The first Ctrl-C goes to the running command if it can stop gracefully; a second one, or one with no
// graceful handler, ends the process at once. State stays consistent either way: writes are atomic.
// A graceful stop that outlasts its grace (a statement waiting on a locked table) is ended too.
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, (received: InterruptSignal) => {
    const stop = () => process.exit(exitCodeFor(received));
    if (
      !deliverInterrupt(received, () => {
        process.stderr.write(`Stopped: the graceful stop after ${received} did not finish in time.\n`);
        stop();
      })
    )
      stop();
  });
}

// A reader that goes away (`| head`, a parent that has read enough) is not an error worth a stack trace;
// the command carries on without its stdout.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code !== 'EPIPE') throw error;
});

async function main(argv: string[]): Promise<number> {
  try {
    await buildProgram().parseAsync(argv);
    return 0;
  } catch (error) {
    if (error instanceof ExitError) return error.exitCode;
    // Commander has already printed its own message (or the help or version text).
    if (error instanceof CommanderError) return error.exitCode === 0 ? 0 : 1;
    process.stderr.write(renderError(error, process.argv.includes('--no-color') ? false : undefined));
    return error instanceof CliError ? error.exitCode : 1;
  }
}

void main(process.argv).then((code) => {
  process.exitCode = code;
});
