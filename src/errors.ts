// Errors by whose fault they are. The kind decides the message style and the exit code; only the CLI entry
// turns them into output and a process exit.

export type ErrorKind = 'usage' | 'external' | 'internal';

/** The base of every error the CLI knows how to present. */
export abstract class CliError extends Error {
  abstract readonly kind: ErrorKind;
  /** One or more lines that tell the user what to do next. */
  readonly hint: string | undefined;
  readonly exitCode: number;

  constructor(message: string, options: { hint?: string; exitCode?: number; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.hint = options.hint;
    this.exitCode = options.exitCode ?? 1;
  }
}

/** The user's input is wrong: say what and where, and how to fix it. No stack trace. */
export class UsageError extends CliError {
  readonly kind = 'usage';
}

/** CXone, the network or the machine failed: say what came back and what was tried. */
export class ExternalError extends CliError {
  readonly kind = 'external';
}

/** Our bug: show the stack and ask for a report. */
export class InternalError extends CliError {
  readonly kind = 'internal';
}

/**
 * The command has already told the user everything (for example, a list of validation problems) and only
 * needs the process to end with this code.
 */
export class ExitError extends Error {
  constructor(readonly exitCode: number) {
    super(`exit ${exitCode}`);
    this.name = 'ExitError';
  }
}
