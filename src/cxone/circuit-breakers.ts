// One circuit breaker per API host: after N consecutive 5xx or network failures, calls fail fast until the
// cool-down ends, then one probe goes through. 4xx and 429 are answers, not failures, and do not count. The time
// is the client's clock, so the cool-down passes when a test says so.

import type { Clock } from '../clock.js';
import { ApiError, ApiErrorCode } from './api-error.js';

export interface BreakerSettings {
  failureThreshold: number;
  cooldownMs: number;
}

interface HostBreaker {
  /** Failures in a row since the last success. */
  failures: number;
  /** When the breaker opened; undefined while it is closed. */
  openedAt: number | undefined;
  /** A probe is on its way after the cool-down: the others still fail fast until it returns. */
  probing: boolean;
}

export class CircuitBreakers {
  private readonly breakers = new Map<string, HostBreaker>();

  constructor(
    private readonly settings: BreakerSettings,
    private readonly clock: Clock,
  ) {}

  /** Runs `call` under the breaker of `host`; while it is open, throws an ApiError that says when it closes. */
  async execute<T>(host: string, call: () => Promise<T>): Promise<T> {
    const breaker = this.breakerFor(host);
    const probe = breaker.openedAt !== undefined;
    if (breaker.openedAt !== undefined) {
      const closesAt = breaker.openedAt + this.settings.cooldownMs;
      if (this.clock.now() < closesAt || breaker.probing) throw this.openError(host, closesAt);
      breaker.probing = true;
    }
    try {
      const result = await call();
      breaker.failures = 0;
      breaker.openedAt = undefined;
      return result;
    } catch (error) {
      if (error instanceof ApiError && error.countsAgainstBreaker) {
        breaker.failures++;
        // A failed probe opens the breaker again for a whole cool-down.
        if (breaker.openedAt !== undefined || breaker.failures >= this.settings.failureThreshold)
          breaker.openedAt = this.clock.now();
      } else {
        // An answer, even a refusal, shows the host is up.
        breaker.failures = 0;
        breaker.openedAt = undefined;
      }
      throw error;
    } finally {
      // Only the probe ends the probing: a call from before the breaker opened may return while it is out.
      if (probe) breaker.probing = false;
    }
  }

  private openError(host: string, closesAt: number): ApiError {
    return new ApiError(
      ApiErrorCode.CircuitOpen,
      `CXone at ${host} failed ${this.settings.failureThreshold} times in a row; not calling it again until ${new Date(closesAt).toISOString()} (circuit breaker cool-down ${Math.round(this.settings.cooldownMs / 1000)} s)`,
      {
        hint: 'Check the CXone status page for your region. Exports that were not submitted stay planned and are submitted by the next apply.',
      },
    );
  }

  private breakerFor(host: string): HostBreaker {
    let breaker = this.breakers.get(host);
    if (breaker === undefined) {
      breaker = { failures: 0, openedAt: undefined, probing: false };
      this.breakers.set(host, breaker);
    }
    return breaker;
  }
}
