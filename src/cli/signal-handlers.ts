// Ctrl-C and SIGTERM, handled once for the whole CLI. A command that can stop gracefully registers a handler;
// the first signal calls it, a second signal ends the process at once (the entry module does that). With no
// handler registered, the first signal ends the process.

import type { InterruptSignal, OnInterrupt } from '../operations/on-interrupt.js';

export type { InterruptSignal };

const handlers = new Map<(signal: InterruptSignal) => void, number>();
let received: InterruptSignal | undefined;

/** How long a graceful stop may take when its handler does not say. */
const DEFAULT_GRACE_MS = 10_000;
/** Beyond the grace: the time a stop needs to print its summary and release the lock once its work is cut. */
const SETTLE_MS = 5_000;

/** Registers a graceful-stop handler; returns its removal. */
export const onInterrupt: OnInterrupt = (handler, graceMs = DEFAULT_GRACE_MS) => {
  handlers.set(handler, graceMs);
  return () => {
    handlers.delete(handler);
  };
};

/** The exit code a signal calls for: 130 for SIGINT, 143 for SIGTERM. */
export function exitCodeFor(signal: InterruptSignal): number {
  return signal === 'SIGINT' ? 130 : 143;
}

/**
 * Called by the entry module; true when the signal was handed to a graceful handler. `hardStop` is called when the
 * longest grace (and a little to settle) has passed without the process ending.
 */
export function deliverInterrupt(signal: InterruptSignal, hardStop: () => void): boolean {
  if (received !== undefined || handlers.size === 0) return false;
  received = signal;
  const graceMs = Math.max(...handlers.values());
  for (const handler of handlers.keys()) handler(signal);
  setTimeout(hardStop, graceMs + SETTLE_MS).unref();
  return true;
}
