// When and how long to wait before trying CXone again (docs/design/cxone-contract.md §6): 429 honours Retry-After,
// everything retryable otherwise backs off exponentially with full jitter. Only ApiErrors marked retryable are retried,
// so a 400 or 403 is sent exactly once; POSTs are safe to repeat because they carry an Idempotency-Key.

import { DelegateBackoff, handleWhen, retry } from 'cockatiel';
import type { RetryPolicy } from 'cockatiel';
import { ApiError } from './api-error.js';

export interface RetrySettings {
  /** Attempts in all, the first included. */
  maxAttempts: number;
  baseMs: number;
  capMs: number;
  /** A Retry-After longer than this is not waited for: the call fails and says so. */
  maxRetryAfterMs: number;
  random: () => number;
}

export interface RetryEvent {
  attempt: number;
  delayMs: number;
  error: ApiError;
}

/** `Retry-After` as delta-seconds or an HTTP date, in milliseconds from `nowMs`; undefined when absent or unreadable. */
export function parseRetryAfter(value: string | undefined, nowMs: number): number | undefined {
  if (value === undefined || value.trim() === '') return undefined;
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed) * 1000;
  // An HTTP date names its weekday and month; anything else (e.g. "-1") is unreadable, not a year.
  if (!/[A-Za-z]{3}/.test(trimmed)) return undefined;
  const date = Date.parse(trimmed);
  return Number.isNaN(date) ? undefined : Math.max(0, date - nowMs);
}

/** Full jitter: uniform in [0, min(cap, base · 2^(attempt-1))]. `attempt` counts retries from 1. */
export function backoffDelay(attempt: number, settings: Pick<RetrySettings, 'baseMs' | 'capMs' | 'random'>): number {
  const ceiling = Math.min(settings.capMs, settings.baseMs * 2 ** Math.max(0, attempt - 1));
  return Math.round(settings.random() * ceiling);
}

export function retryDelay(error: unknown, attempt: number, settings: RetrySettings): number {
  if (error instanceof ApiError && error.retryAfterMs !== undefined) return error.retryAfterMs;
  return backoffDelay(attempt, settings);
}

export function shouldRetry(error: unknown, settings: Pick<RetrySettings, 'maxRetryAfterMs'>): error is ApiError {
  return (
    error instanceof ApiError &&
    error.retryable &&
    (error.retryAfterMs === undefined || error.retryAfterMs <= settings.maxRetryAfterMs)
  );
}

export function createRetryPolicy(settings: RetrySettings, onRetry?: (event: RetryEvent) => void): RetryPolicy {
  const policy = retry(
    handleWhen((error) => shouldRetry(error, settings)),
    {
      maxAttempts: Math.max(0, settings.maxAttempts - 1),
      backoff: new DelegateBackoff((context) =>
        retryDelay('error' in context.result ? context.result.error : undefined, context.attempt, settings),
      ),
    },
  );
  if (onRetry !== undefined) {
    policy.onRetry((event) => {
      if ('error' in event && event.error instanceof ApiError)
        onRetry({ attempt: event.attempt, delayMs: event.delay, error: event.error });
    });
  }
  return policy;
}
