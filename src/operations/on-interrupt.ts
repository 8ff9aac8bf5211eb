// How an operation hears of Ctrl-C and SIGTERM: it registers a handler with whatever delivers them (the CLI's
// signal handling in production, a test's own trigger in unit tests) and removes it when done.

export type InterruptSignal = 'SIGINT' | 'SIGTERM';

/**
 * Registers a graceful-stop handler, with the longest its stop may take after the signal (`graceMs`, 10 s by
 * default): past it the process ends anyway, so nothing (a statement waiting on a locked table) holds a stop
 * open. Returns its removal.
 */
export type OnInterrupt = (handler: (signal: InterruptSignal) => void, graceMs?: number) => () => void;
