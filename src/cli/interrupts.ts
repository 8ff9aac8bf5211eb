// Ctrl-C and SIGTERM, handled once for the whole CLI. A command that can stop gracefully registers a handler;
// the first signal calls it, a second signal ends the process at once (the entry module does that). With no
// handler registered, the first signal ends the process.

import type { InterruptSignal, OnInterrupt } from '../operations/interrupts.js';

export type { InterruptSignal };

const handlers = new Set<(signal: InterruptSignal) => void>();
let received: InterruptSignal | undefined;

/** Registers a graceful-stop handler; returns its removal. */
export const onInterrupt: OnInterrupt = (handler) => {
  handlers.add(handler);
  return () => {
    handlers.delete(handler);
  };
};

/** The exit code a signal calls for: 130 for SIGINT, 143 for SIGTERM. */
export function exitCodeFor(signal: InterruptSignal): number {
  return signal === 'SIGINT' ? 130 : 143;
}

/** Called by the entry module; true when the signal was handed to a graceful handler. */
export function deliverInterrupt(signal: InterruptSignal): boolean {
  if (received !== undefined || handlers.size === 0) return false;
  received = signal;
  for (const handler of handlers) handler(signal);
  return true;
}
