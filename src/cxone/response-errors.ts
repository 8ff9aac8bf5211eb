// What each non-success answer from the executions API means for the user (docs/design/cxone-contract.md §6).

import { ApiError, ApiErrorCode } from './api-error.js';
import { bodyExcerpt } from './http-transport.js';
import type { HttpResponse } from './http-transport.js';
import { parseRetryAfter } from './retry-policy.js';

export const REQUIRED_SCOPES = 'dataprep:dataactions:read and dataprep:dataactions:write';

export interface RequestContext {
  /** e.g. `submit an execution`. */
  operation: string;
  dataActionId: string;
  datasetId?: string;
  now: number;
}

export function errorFromResponse(response: HttpResponse, context: RequestContext): ApiError {
  const { status } = response;
  const action = `data action "${context.dataActionId}"`;
  const server = serverMessage(response);
  if (status === 400 || status === 422) {
    const field = serverField(response);
    return new ApiError(
      status === 400 ? ApiErrorCode.BadRequest : ApiErrorCode.Unprocessable,
      `CXone rejected the request to ${context.operation} for ${action} (${status}): ${server}${field === undefined ? '' : ` [field: ${field}]`}`,
      {
        status,
        ...(field === undefined ? {} : { field }),
        hint: 'This is not retried: it cannot succeed as sent. Fix the definition, run `cxone-exports validate`, then apply again.',
      },
    );
  }
  if (status === 401) {
    return new ApiError(
      ApiErrorCode.Unauthorized,
      `CXone refused the access token (401) to ${context.operation} for ${action}, even after renewing it once: ${server}`,
      {
        status,
        hint: `Check CXONE_CLIENT_ID and CXONE_CLIENT_SECRET, and that the API client has the scopes ${REQUIRED_SCOPES}.`,
      },
    );
  }
  if (status === 403) {
    const dataset = context.datasetId === undefined ? '' : ` or dataset "${context.datasetId}"`;
    return new ApiError(
      ApiErrorCode.Forbidden,
      `the API client may not ${context.operation} for ${action}${dataset} (403): ${server}`,
      {
        status,
        hint: `Give the API client access to this data action and dataset in CXone, with the scope dataprep:dataactions:write. Not retried.`,
      },
    );
  }
  if (status === 404) {
    return new ApiError(ApiErrorCode.NotFound, `${action} was not found (404): ${server}`, {
      status,
      hint: "Check spec.dataActionId, and that apiUrl (or CXONE_API_URL) points at the tenant's region. Not retried.",
    });
  }
  if (status === 429) {
    const retryAfterMs = parseRetryAfter(response.headers['retry-after'], context.now);
    const wait = retryAfterMs === undefined ? 'no Retry-After' : `Retry-After ${Math.round(retryAfterMs / 1000)} s`;
    return new ApiError(
      ApiErrorCode.RateLimited,
      `CXone's tenant quota was exceeded (429, ${wait}) while trying to ${context.operation} for ${action}`,
      {
        status,
        ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
        hint: 'Lower apply.concurrency or apply.maxRequestsPerSecond, or raise apply.spacingMs, so that runs stay within the quota.',
      },
    );
  }
  if (status >= 500) {
    return new ApiError(
      ApiErrorCode.ServerError,
      `CXone answered ${status} to ${context.operation} for ${action}: ${server}`,
      {
        status,
        hint: 'The service is degraded. Retries were made with backoff; exports not submitted stay planned for the next apply.',
      },
    );
  }
  return new ApiError(
    ApiErrorCode.Unexpected,
    `CXone answered an unexpected ${status} to ${context.operation} for ${action}: ${server}`,
    { status },
  );
}

/** The server's own explanation: `message` or `error_description` or `error` from a JSON body, else the text. */
export function serverMessage(response: HttpResponse): string {
  const body = response.json as Record<string, unknown> | undefined;
  for (const key of ['message', 'error_description', 'error']) {
    const value = body?.[key];
    if (typeof value === 'string' && value !== '') return value;
  }
  return bodyExcerpt(response);
}

function serverField(response: HttpResponse): string | undefined {
  const field = (response.json as Record<string, unknown> | undefined)?.field;
  return typeof field === 'string' ? field : undefined;
}
