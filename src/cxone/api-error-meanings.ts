// What each CXone or network error code means and what to do about it: the reference's table
// (docs/reference/error-codes.md). Typed by the codes, so a new code cannot be added without its line.

import type { ApiErrorCode } from './api-error.js';

export const API_ERRORS: Record<ApiErrorCode, { when: string; todo: string }> = {
  'token-rejected': {
    when: 'the token endpoint refused (`invalid_client`, `invalid_grant`, `unsupported_grant_type`, `invalid_scope`)',
    todo: 'check the variables it names, and `auth.flow`, `auth.tokenRequest`, `auth.clientAuth`, `auth.scope`',
  },
  unauthorized: {
    when: 'the API answered 401 even after one token renewal',
    todo: 'check the client id and secret, and that the client has `dataprep:dataactions:read` and `dataprep:dataactions:write`',
  },
  forbidden: {
    when: '403 for a data action or dataset',
    todo: 'grant the API client access to that data action and dataset; not retried',
  },
  'not-found': {
    when: '404: the data action does not exist',
    todo: "check `spec.dataActionId`, and that `apiUrl` is your tenant's region; not retried",
  },
  'bad-request': {
    when: '400: CXone refused the payload; the message names the field',
    todo: 'fix the definition, run `cxone-exports validate`; not retried',
  },
  unprocessable: {
    when: '422: CXone refused the payload; the message names the field',
    todo: 'fix the definition, run `cxone-exports validate`; not retried',
  },
  'rate-limited': {
    when: '429 after all attempts, or a Retry-After over 5 minutes',
    todo: 'lower `apply.concurrency` or `apply.maxRequestsPerSecond`, or raise `apply.spacingMs`',
  },
  'server-error': {
    when: '5xx after all attempts',
    todo: 'CXone is degraded; unsubmitted exports stay planned for the next apply',
  },
  network: {
    when: 'no connection after all attempts',
    todo: 'check the network and `authUrl`/`apiUrl` (or `CXONE_AUTH_URL`/`CXONE_API_URL`)',
  },
  timeout: {
    when: 'no answer within `apply.timeoutMs`, after all attempts',
    todo: 'check the network; raise `apply.timeoutMs` if the tenant is slow',
  },
  'circuit-open': {
    when: '`apply.circuitBreaker.failureThreshold` consecutive 5xx or network failures; calls fail fast until the time it names',
    todo: 'wait for the cool-down; the next apply picks up what was not submitted',
  },
  'invalid-response': {
    when: 'a 200 or 201 without `executionId` (the body is quoted, redacted)',
    todo: 'the outcome is unknown: the next plan shows `resubmit`, which reuses the same Idempotency-Key',
  },
  'status-unsupported': {
    when: 'the status lookup answered 405, or 404 for every execution asked about',
    todo: 'rely on callbacks (`serve`), or set `api.statusPath`',
  },
  'execution-not-found': {
    when: 'the status lookup answered 404 for an execution',
    todo: 'nothing: once it has answered 404 for `limits.lostAfter` (24 h), `refresh` records it as `lost`, and the next plan retries it',
  },
  'unexpected-status': {
    when: 'an answer this tool does not expect from CXone (another status code)',
    todo: 'the message quotes it; report it if it repeats',
  },
};
