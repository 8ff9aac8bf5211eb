import { describe, expect, it } from 'vitest';
import { ApiError, ApiErrorCode } from './api-error.js';
import { backoffDelay, parseRetryAfter, retryDelay, shouldRetry } from './retry-policy.js';

const settings = { maxAttempts: 5, baseMs: 100, capMs: 1000, maxRetryAfterMs: 60_000, random: () => 1 };

describe('parseRetryAfter', () => {
  const now = Date.parse('2026-11-27T10:00:00Z');

  it('reads delta-seconds', () => {
    expect(parseRetryAfter('3', now)).toBe(3000);
    expect(parseRetryAfter(' 0 ', now)).toBe(0);
  });

  it('reads an HTTP date relative to now, never negative', () => {
    expect(parseRetryAfter('Fri, 27 Nov 2026 10:00:05 GMT', now)).toBe(5000);
    expect(parseRetryAfter('Fri, 27 Nov 2026 09:59:00 GMT', now)).toBe(0);
  });

  it('ignores absent or unreadable values', () => {
    expect(parseRetryAfter(undefined, now)).toBeUndefined();
    expect(parseRetryAfter('', now)).toBeUndefined();
    expect(parseRetryAfter('soon', now)).toBeUndefined();
    expect(parseRetryAfter('-1', now)).toBeUndefined();
  });
});

describe('backoff', () => {
  it('doubles from the base up to the cap, scaled by the jitter draw', () => {
    expect([1, 2, 3, 4, 5].map((attempt) => backoffDelay(attempt, settings))).toEqual([100, 200, 400, 800, 1000]);
    expect(backoffDelay(3, { ...settings, random: () => 0.5 })).toBe(200);
    expect(backoffDelay(3, { ...settings, random: () => 0 })).toBe(0);
  });

  it('prefers Retry-After over the backoff', () => {
    const throttled = new ApiError(ApiErrorCode.RateLimited, '429', { status: 429, retryAfterMs: 2500 });
    expect(retryDelay(throttled, 1, settings)).toBe(2500);
    expect(retryDelay(new ApiError(ApiErrorCode.RateLimited, '429'), 2, settings)).toBe(200);
  });
});

describe('shouldRetry', () => {
  it('retries 429, 5xx, network errors and timeouts only', () => {
    const retried = [ApiErrorCode.RateLimited, ApiErrorCode.ServerError, ApiErrorCode.Network, ApiErrorCode.Timeout];
    const final = [
      ApiErrorCode.BadRequest,
      ApiErrorCode.Forbidden,
      ApiErrorCode.NotFound,
      ApiErrorCode.Unprocessable,
      ApiErrorCode.Unauthorized,
      ApiErrorCode.CircuitOpen,
      ApiErrorCode.InvalidResponse,
    ];
    for (const code of retried) expect(shouldRetry(new ApiError(code, 'x'), settings)).toBe(true);
    for (const code of final) expect(shouldRetry(new ApiError(code, 'x'), settings)).toBe(false);
    expect(shouldRetry(new Error('bug'), settings)).toBe(false);
  });

  it('does not wait for a Retry-After beyond the limit', () => {
    expect(shouldRetry(new ApiError(ApiErrorCode.RateLimited, 'x', { retryAfterMs: 3_600_000 }), settings)).toBe(false);
  });
});
