// How an operation hears of Ctrl-C and SIGTERM: it registers a handler with whatever delivers them (the CLI's
// signal handling in production, a test's own trigger in unit tests) and removes it when done.

export type InterruptSignal = 'SIGINT' | 'SIGTERM';

/** Registers a graceful-stop handler; returns its removal. */
export type OnInterrupt = (handler: (signal: InterruptSignal) => void) => () => void;
