// One circuit breaker per API host: after N consecutive 5xx or network failures, calls fail fast until the
// cool-down ends, then one probe goes through. 4xx and 429 are answers, not failures, and do not count.

import { BrokenCircuitError, ConsecutiveBreaker, circuitBreaker, handleWhen } from 'cockatiel';
import type { CircuitBreakerPolicy } from 'cockatiel';
import { ApiError, ApiErrorCode } from './api-error.js';

export interface BreakerSettings {
  failureThreshold: number;
  cooldownMs: number;
}

interface HostBreaker {
  policy: CircuitBreakerPolicy;
  openedAt: number;
}

export class CircuitBreakers {
  private readonly breakers = new Map<string, HostBreaker>();

  constructor(
    private readonly settings: BreakerSettings,
    private readonly now: () => number = Date.now,
  ) {}

  /** Runs `call` under the breaker of `host`; while it is open, throws an ApiError that says when it closes. */
  async execute<T>(host: string, call: () => Promise<T>): Promise<T> {
    const breaker = this.breakerFor(host);
    try {
      return await breaker.policy.execute(call);
    } catch (error) {
      if (!(error instanceof BrokenCircuitError)) throw error;
      const closesAt = new Date(breaker.openedAt + this.settings.cooldownMs);
      throw new ApiError(
        ApiErrorCode.CircuitOpen,
        `CXone at ${host} failed ${this.settings.failureThreshold} times in a row; not calling it again until ${closesAt.toISOString()} (circuit breaker cool-down ${Math.round(this.settings.cooldownMs / 1000)} s)`,
        {
          hint: 'Check the CXone status page for your region. Exports that were not submitted stay planned and are submitted by the next apply.',
        },
      );
    }
  }

  private breakerFor(host: string): HostBreaker {
    let breaker = this.breakers.get(host);
    if (breaker === undefined) {
      const policy = circuitBreaker(
        handleWhen((error) => error instanceof ApiError && error.countsAgainstBreaker),
        { halfOpenAfter: this.settings.cooldownMs, breaker: new ConsecutiveBreaker(this.settings.failureThreshold) },
      );
      const created: HostBreaker = { policy, openedAt: 0 };
      policy.onBreak(() => {
        created.openedAt = this.now();
      });
      breaker = created;
      this.breakers.set(host, breaker);
    }
    return breaker;
  }
}
