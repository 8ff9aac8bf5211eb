// The executions API (docs/design/cxone-contract.md §2 and §4): submit an export execution, read an execution's status.
// Each call runs under the retry policy and the host's circuit breaker, renews the token once on a 401, and lets the
// caller gate every attempt (apply uses that to space requests to one data action).

import type { AxiosInstance } from 'axios';
import type { Clock } from '../clock.js';
import type { ExecutionPayload } from '../contract/execution-payload.js';
import { ApiError, ApiErrorCode } from './api-error.js';
import type { CircuitBreakers } from './circuit-breakers.js';
import { bodyExcerpt, createHttpInstance, sendRequest } from './http-transport.js';
import type { HttpResponse } from './http-transport.js';
import { errorFromResponse } from './response-errors.js';
import type { RequestContext } from './response-errors.js';
import { createRetryPolicy } from './retry-policy.js';
import type { RetryEvent, RetrySettings } from './retry-policy.js';
import type { TokenManager } from './token-manager.js';

export const EXECUTIONS_PATH = '/api/v2/dataprep/dataactions/{dataActionId}/executions';
export const DEFAULT_STATUS_PATH = '/api/v2/dataprep/dataactions/{dataActionId}/executions/{executionId}';

export interface SubmittedExecution {
  executionId: string;
  status: string;
  createdAt: string | undefined;
}

export interface ExecutionStatusReport {
  executionId: string;
  status: string;
  rowsExported: number | undefined;
  startTime: string | undefined;
  endTime: string | undefined;
}

export interface CallOptions {
  signal?: AbortSignal;
}

export interface SubmitOptions extends CallOptions {
  idempotencyKey: string;
}

export interface ExecutionsClientOptions {
  apiUrl: string;
  /** A proxy is configured in the environment (HTTPS_PROXY and the like): axios's adapter honours it. */
  proxied?: boolean;
  tokens: TokenManager;
  breakers: CircuitBreakers;
  retry: RetrySettings;
  timeoutMs: number;
  statusPath?: string;
  clock: Clock;
  debug?: (line: string) => void;
  /** Called before every attempt, retries and the post-401 retry included, with the data action it targets. */
  beforeAttempt?: (dataActionId: string) => Promise<void>;
  onRetry?: (event: RetryEvent & { dataActionId: string }) => void;
}

export class ExecutionsClient {
  private readonly http: AxiosInstance;
  private readonly host: string;
  private readonly now: () => number;

  constructor(private readonly options: ExecutionsClientOptions) {
    this.http = createHttpInstance(options.apiUrl, options.timeoutMs, options.proxied);
    this.host = new URL(options.apiUrl).host;
    this.now = () => options.clock.now();
  }

  async submit(payload: ExecutionPayload, options: SubmitOptions): Promise<SubmittedExecution> {
    const context = {
      operation: 'submit an execution',
      dataActionId: payload.dataActionId,
      datasetId: payload.datasetId,
    };
    const url = fillPath(EXECUTIONS_PATH, { dataActionId: payload.dataActionId });
    const response = await this.call(context, options, (token) =>
      sendRequest(this.http, {
        method: 'post',
        url,
        data: JSON.stringify(payload),
        headers: {
          Authorization: `Bearer ${token}`,
          'Content-Type': 'application/json',
          Accept: 'application/json',
          'Idempotency-Key': options.idempotencyKey,
        },
        ...(options.signal === undefined ? {} : { signal: options.signal }),
      }),
    );
    if (response.status !== 200 && response.status !== 201)
      throw errorFromResponse(response, { ...context, now: this.now() });
    const body = response.json as Record<string, unknown> | undefined;
    if (typeof body?.executionId !== 'string' || body.executionId === '') {
      throw new ApiError(
        ApiErrorCode.InvalidResponse,
        `CXone answered ${response.status} to the submission for data action "${payload.dataActionId}" without an executionId: ${bodyExcerpt(response)}`,
        {
          status: response.status,
          hint: 'The execution may or may not exist. The next plan shows this export as resubmit, which reuses the same Idempotency-Key.',
        },
      );
    }
    return {
      executionId: body.executionId,
      status: typeof body.status === 'string' ? body.status : 'queued',
      createdAt: typeof body.createdAt === 'string' ? body.createdAt : undefined,
    };
  }

  async getStatus(
    dataActionId: string,
    executionId: string,
    options: CallOptions = {},
  ): Promise<ExecutionStatusReport> {
    const context = { operation: 'read the status of an execution', dataActionId };
    const path = this.options.statusPath ?? DEFAULT_STATUS_PATH;
    const url = fillPath(path, { dataActionId, executionId });
    const response = await this.call(context, options, (token) =>
      sendRequest(this.http, {
        method: 'get',
        url,
        headers: { Authorization: `Bearer ${token}`, Accept: 'application/json' },
        ...(options.signal === undefined ? {} : { signal: options.signal }),
      }),
    );
    // 404 names one execution CXone does not know; whether the whole path is missing is for the caller to judge
    // across executions. 405 says the method is not there at all.
    if (response.status === 404) {
      throw new ApiError(
        ApiErrorCode.ExecutionNotFound,
        `CXone has no execution ${executionId} for data action ${dataActionId} (GET ${path} answered 404)`,
        { status: 404 },
      );
    }
    if (response.status === 405) {
      throw new ApiError(
        ApiErrorCode.StatusUnsupported,
        `status lookup is unsupported by this API: GET ${path} answered ${response.status}`,
        {
          status: response.status,
          hint: 'Completion arrives by callback instead: run `cxone-exports serve` where CXone can reach it, or set api.statusPath in the config if your tenant has another status path.',
        },
      );
    }
    if (response.status !== 200) throw errorFromResponse(response, { ...context, now: this.now() });
    const body = response.json as Record<string, unknown> | undefined;
    if (typeof body?.status !== 'string') {
      throw new ApiError(
        ApiErrorCode.InvalidResponse,
        `the status of execution ${executionId} came back without a status: ${bodyExcerpt(response)}`,
        { status: 200 },
      );
    }
    return {
      executionId: typeof body.executionId === 'string' ? body.executionId : executionId,
      status: body.status,
      rowsExported: typeof body.rowsExported === 'number' ? body.rowsExported : undefined,
      startTime: typeof body.startTime === 'string' ? body.startTime : undefined,
      endTime: typeof body.endTime === 'string' ? body.endTime : undefined,
    };
  }

  /** Retry (outside) -> circuit breaker -> token with one renewal on 401 -> gated attempt. */
  private async call(
    context: Omit<RequestContext, 'now'>,
    options: CallOptions,
    send: (token: string) => Promise<HttpResponse>,
  ): Promise<HttpResponse> {
    const { debug, onRetry } = this.options;
    const policy = createRetryPolicy(this.options.retry, (event) => {
      debug?.(
        `api: retry ${event.attempt} for data action ${context.dataActionId} in ${event.delayMs} ms after ${event.error.code}${event.error.status === undefined ? '' : ` (${event.error.status})`}`,
      );
      onRetry?.({ ...event, dataActionId: context.dataActionId });
    });
    let renewed = false;
    let attempt = 0;
    const attemptOnce = async (): Promise<HttpResponse> => {
      const token = await this.options.tokens.getToken();
      await this.options.beforeAttempt?.(context.dataActionId);
      attempt++;
      const started = this.now();
      const response = await send(token);
      debug?.(
        `api: ${context.operation} (data action ${context.dataActionId}) -> ${response.status} (attempt ${attempt}, ${this.now() - started} ms)`,
      );
      if (response.status === 401 && !renewed) {
        renewed = true;
        this.options.tokens.invalidate(token);
        return attemptOnce();
      }
      // Retryable answers are thrown so the policies see them; the rest are returned for the caller to map.
      if (response.status === 429 || response.status >= 500)
        throw errorFromResponse(response, { ...context, now: this.now() });
      if (response.status === 401) throw errorFromResponse(response, { ...context, now: this.now() });
      return response;
    };
    return policy.execute(() => this.options.breakers.execute(this.host, attemptOnce), options.signal);
  }
}

function fillPath(template: string, values: Record<string, string>): string {
  return template.replace(/\{(\w+)\}/g, (placeholder, name: string) =>
    values[name] === undefined ? placeholder : encodeURIComponent(values[name]),
  );
}
