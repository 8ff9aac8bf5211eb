// When the next request may start. Three limits meet here, checked before every attempt, retries included:
// - per data action: at least `spacingMs` after the previous request to it;
// - globally: at most `maxRequestsPerSecond`, when set;
// - tenant-wide: after a 429, every request waits for the pause CXone asked for, not just the one that got it.

import type { Clock } from '../clock.js';

export interface RequestGateSettings {
  spacingMs: number;
  maxRequestsPerSecond: number | undefined;
}

/**
 * Two requests leave this process `spacingMs` apart, but may reach CXone a little closer together when the
 * first one spends longer in transit. This margin keeps the spacing true where CXone measures it.
 */
export const TRANSIT_MARGIN_MS = 15;

export class RequestGate {
  private readonly lastStart = new Map<string, number>();
  private nextGlobalSlot = 0;
  private pausedUntil = 0;

  constructor(
    private readonly settings: RequestGateSettings,
    private readonly clock: Clock,
  ) {}

  /** Waits until a request to `dataActionId` may start, then claims that start; an aborted run starts none. */
  async acquire(dataActionId: string, signal?: AbortSignal): Promise<void> {
    signal?.throwIfAborted();
    for (;;) {
      const now = this.clock.now();
      const spacing = this.settings.spacingMs > 0 ? this.settings.spacingMs + TRANSIT_MARGIN_MS : 0;
      const readyAt = Math.max(
        this.pausedUntil,
        this.nextGlobalSlot,
        (this.lastStart.get(dataActionId) ?? -Infinity) + spacing,
      );
      if (readyAt <= now) {
        // Claimed synchronously, so no other waiter can take the same slot.
        this.lastStart.set(dataActionId, now);
        if (this.settings.maxRequestsPerSecond !== undefined)
          this.nextGlobalSlot = Math.max(now, this.nextGlobalSlot) + 1000 / this.settings.maxRequestsPerSecond;
        return;
      }
      await this.clock.sleep(readyAt - now, signal);
    }
  }

  /** CXone said the tenant is over its quota: hold every request for `delayMs`. */
  throttle(delayMs: number): void {
    this.pausedUntil = Math.max(this.pausedUntil, this.clock.now() + delayMs);
  }
}
