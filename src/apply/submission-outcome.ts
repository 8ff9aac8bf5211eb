// After a submission ends in an error, what do we know? Whether CXone refused it, whether it never left, or
// whether it may have been created. Only the last case keeps the intent, so the next apply resubmits it with
// the same Idempotency-Key and CXone answers with the execution it may already have.

import { ApiError, ApiErrorCode } from '../cxone/api-error.js';

export type SubmissionOutcome = 'refused' | 'not-sent' | 'unknown';

const REFUSALS = new Set<string>([
  ApiErrorCode.BadRequest,
  ApiErrorCode.Unauthorized,
  ApiErrorCode.Forbidden,
  ApiErrorCode.NotFound,
  ApiErrorCode.Unprocessable,
  ApiErrorCode.RateLimited,
  ApiErrorCode.Unexpected,
]);

/**
 * `attemptsSent` counts requests that left the process; `uncertainAttempts` counts those that ended without an
 * answer or with a 5xx (CXone may have acted on them).
 */
export function submissionOutcome(error: unknown, attemptsSent: number, uncertainAttempts: number): SubmissionOutcome {
  if (attemptsSent === 0) return 'not-sent';
  if (uncertainAttempts > 0) return 'unknown';
  if (error instanceof ApiError && REFUSALS.has(error.code)) return 'refused';
  return 'unknown';
}

/** An error after which CXone may have acted on the request. */
export function leavesOutcomeUnknown(error: unknown): boolean {
  return (
    !(error instanceof ApiError) ||
    [ApiErrorCode.ServerError, ApiErrorCode.Network, ApiErrorCode.Timeout, ApiErrorCode.InvalidResponse].includes(
      error.code as never,
    )
  );
}
