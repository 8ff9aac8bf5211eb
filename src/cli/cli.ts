// The CLI's script (dist/cli/cli.cjs, which the bin main.ts runs): the only module that calls process.exit.
// Everything below throws typed errors instead.

import { systemClock } from '../clock.js';
import type { CommandIo } from './command-io.js';
import { deliverInterrupt, exitCodeFor } from './signal-handlers.js';
import type { InterruptSignal } from './signal-handlers.js';
import { runCommandLine } from './run-command-line.js';

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

const io: CommandIo = {
  cwd: process.cwd(),
  env: process.env,
  clock: systemClock,
  stdin: process.stdin,
  stdout: process.stdout,
  stderr: process.stderr,
};

void runCommandLine(process.argv.slice(2), io).then((code) => {
  process.exitCode = code;
});
