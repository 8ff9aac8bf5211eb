// Everything CXone or the network can answer that is not a success, as one error type with a stable code.
// Messages say what came back and what to do; they never hold a secret (they pass through redactSecrets).

import { ExternalError } from '../errors.js';
import { redactSecrets } from '../redaction.js';

export const ApiErrorCode = {
  BadRequest: 'bad-request',
  Unauthorized: 'unauthorized',
  Forbidden: 'forbidden',
  NotFound: 'not-found',
  Unprocessable: 'unprocessable',
  RateLimited: 'rate-limited',
  ServerError: 'server-error',
  Network: 'network',
  Timeout: 'timeout',
  CircuitOpen: 'circuit-open',
  InvalidResponse: 'invalid-response',
  StatusUnsupported: 'status-unsupported',
  /** The status lookup answered 404 for one execution: CXone does not know it (or the path is wrong; see the poller). */
  ExecutionNotFound: 'execution-not-found',
  TokenRejected: 'token-rejected',
  Unexpected: 'unexpected-status',
} as const;
export type ApiErrorCode = (typeof ApiErrorCode)[keyof typeof ApiErrorCode];

/** Codes worth another attempt: the tenant quota, and a degraded service or network. */
const RETRYABLE = new Set<ApiErrorCode>([
  ApiErrorCode.RateLimited,
  ApiErrorCode.ServerError,
  ApiErrorCode.Network,
  ApiErrorCode.Timeout,
]);
/** Codes that count against the circuit breaker: the service is failing, not refusing. */
const BREAKER_FAILURES = new Set<ApiErrorCode>([ApiErrorCode.ServerError, ApiErrorCode.Network, ApiErrorCode.Timeout]);

export interface ApiErrorDetails {
  status?: number;
  /** Milliseconds the server asked us to wait (Retry-After). */
  retryAfterMs?: number;
  /** The payload field the server named, for 400s. */
  field?: string;
  hint?: string;
}

export class ApiError extends ExternalError {
  readonly status: number | undefined;
  readonly retryAfterMs: number | undefined;
  readonly field: string | undefined;

  constructor(
    readonly code: ApiErrorCode,
    message: string,
    details: ApiErrorDetails = {},
  ) {
    super(redactSecrets(message), details.hint === undefined ? {} : { hint: redactSecrets(details.hint) });
    this.status = details.status;
    this.retryAfterMs = details.retryAfterMs;
    this.field = details.field;
  }

  get retryable(): boolean {
    return RETRYABLE.has(this.code);
  }

  get countsAgainstBreaker(): boolean {
    return BREAKER_FAILURES.has(this.code);
  }
}
