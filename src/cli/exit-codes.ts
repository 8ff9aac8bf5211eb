// The exit codes every command may end with, for scripts and CI, and the reference (docs/reference/exit-codes.md).
// A command that adds one of its own (plan --detailed-exitcode) declares it in its descriptor.

export const EXIT_CODES: Readonly<Record<number, string>> = {
  0: 'success',
  1: 'a failure the message explains: invalid definitions, a refused or failed submission, an execution apply --wait saw end failed, an audit chain audit verify found broken, a lock held, a bad flag',
  130: 'stopped by Ctrl-C (SIGINT) after a graceful stop: the state and audit hold everything done until then',
  143: 'stopped by SIGTERM after a graceful stop, as for Ctrl-C',
};
