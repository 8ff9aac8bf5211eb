// Where commands write. Tests and embedding code swap it for one that captures output instead of patching
// process streams.

import { redactSecrets } from '../redaction.js';

export interface Logger {
  /** The command's result (stdout). Not silenced by --quiet when it is the requested output. */
  out(text: string): void;
  /** Progress and summaries (stderr is reserved for problems); silenced by --quiet. */
  info(text: string): void;
  warn(text: string): void;
  error(text: string): void;
  /** Shown with -v only. */
  debug(text: string): void;
}

export interface Verbosity {
  quiet: boolean;
  verbose: boolean;
}

export function createStreamLogger(
  { quiet, verbose }: Verbosity,
  stdout: NodeJS.WritableStream,
  stderr: NodeJS.WritableStream,
): Logger {
  // One write per line, so a reader sees whole lines; only a text of megabytes (a large plan) is written
  // in two parts, to spare copying it.
  const line = (stream: NodeJS.WritableStream, text: string) => {
    if (text.endsWith('\n')) stream.write(text);
    else if (text.length < 1 << 20) stream.write(`${text}\n`);
    else {
      stream.write(text);
      stream.write('\n');
    }
  };
  return {
    out: (text) => line(stdout, text),
    info: (text) => {
      if (!quiet) line(stdout, text);
    },
    // Diagnostics pass the redactor too; results (stdout) are ours to keep clean and may be megabytes.
    warn: (text) => line(stderr, redactSecrets(text)),
    error: (text) => line(stderr, redactSecrets(text)),
    debug: (text) => {
      if (verbose) line(stderr, redactSecrets(text));
    },
  };
}
