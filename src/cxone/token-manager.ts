// OAuth tokens for the API: fetched on first use, cached until shortly before expiry, and renewed by exactly one
// request however many callers need a token at once. Its axios instance has no auth interceptor, so a renewal
// can never recurse into itself.

import type { AxiosInstance } from 'axios';
import type { Clock } from '../clock.js';
import type { ProjectConfig } from '../config/project-config.js';
import { registerSecret } from '../redaction.js';
import { ApiError, ApiErrorCode } from './api-error.js';
import type { Credentials } from './credentials.js';
import { createHttpInstance, sendRequest } from './http-transport.js';
import type { HttpResponse } from './http-transport.js';
import { serverMessage } from './response-errors.js';
import { createRetryPolicy, parseRetryAfter } from './retry-policy.js';
import type { RetrySettings } from './retry-policy.js';

export interface TokenManagerOptions {
  authUrl: string;
  /** A proxy is configured in the environment (HTTPS_PROXY and the like): axios's adapter honours it. */
  proxied?: boolean;
  auth: ProjectConfig['auth'];
  credentials: Credentials;
  timeoutMs: number;
  retry: RetrySettings;
  /** Renew this long before the token expires. */
  marginMs?: number;
  clock: Clock;
  debug?: (line: string) => void;
}

interface CachedToken {
  value: string;
  expiresAt: number;
}

export const TOKEN_PATHS = { client_credentials: '/oauth/token', access_key: '/auth/token' } as const;

export class TokenManager {
  private cached: CachedToken | undefined;
  private inflight: Promise<string> | undefined;
  private readonly http: AxiosInstance;
  private readonly now: () => number;
  private readonly marginMs: number;
  /** Token requests made so far (for tests and debug output). */
  fetches = 0;

  constructor(private readonly options: TokenManagerOptions) {
    this.http = createHttpInstance(options.authUrl, options.timeoutMs, options.proxied);
    this.now = () => options.clock.now();
    this.marginMs = options.marginMs ?? 60_000;
  }

  async getToken(): Promise<string> {
    if (this.cached !== undefined && this.now() < this.cached.expiresAt - this.marginMs) return this.cached.value;
    this.inflight ??= this.fetchToken().finally(() => {
      this.inflight = undefined;
    });
    return this.inflight;
  }

  /** Drops the cached token if it is still `token`, so the next getToken renews it (after a 401). */
  invalidate(token: string): void {
    if (this.cached?.value === token) this.cached = undefined;
  }

  private async fetchToken(): Promise<string> {
    const policy = createRetryPolicy(this.options.retry, (event) =>
      this.options.debug?.(`auth: retry ${event.attempt} in ${event.delayMs} ms after ${event.error.code}`),
    );
    const token = await policy.execute(() => this.requestToken());
    this.cached = token;
    return token.value;
  }

  private async requestToken(): Promise<CachedToken> {
    const { auth, credentials } = this.options;
    const path = TOKEN_PATHS[auth.flow];
    const fields: Record<string, string> =
      auth.flow === 'access_key'
        ? {
            grant_type: 'password',
            username: credentials.accessKeyId ?? '',
            password: credentials.accessKeySecret ?? '',
          }
        : { grant_type: 'client_credentials' };
    const headers: Record<string, string> = { Accept: 'application/json' };
    if (auth.clientAuth === 'basic') {
      // RFC 6749 §2.3.1: the id and secret are form-encoded before they are joined and base64-encoded.
      headers.Authorization = `Basic ${Buffer.from(`${formEncode(credentials.clientId)}:${formEncode(credentials.clientSecret)}`).toString('base64')}`;
    } else {
      fields.client_id = credentials.clientId;
      fields.client_secret = credentials.clientSecret;
    }
    if (auth.scope !== undefined) fields.scope = auth.scope;
    const isForm = auth.tokenRequest === 'form';
    headers['Content-Type'] = isForm ? 'application/x-www-form-urlencoded' : 'application/json';

    this.fetches++;
    const started = this.now();
    const response = await sendRequest(this.http, {
      method: 'post',
      url: path,
      headers,
      data: isForm ? new URLSearchParams(fields).toString() : JSON.stringify(fields),
    });
    this.options.debug?.(`auth: POST ${path} -> ${response.status} (${this.now() - started} ms)`);
    if (response.status === 200) return this.acceptToken(response);
    throw this.tokenError(response, path);
  }

  private acceptToken(response: HttpResponse): CachedToken {
    const body = response.json as
      { access_token?: unknown; expires_in?: unknown; token_type?: unknown; refresh_token?: unknown } | undefined;
    if (typeof body?.access_token !== 'string' || body.access_token === '') {
      throw new ApiError(ApiErrorCode.InvalidResponse, `the token endpoint answered 200 without an access_token`, {
        status: 200,
      });
    }
    registerSecret(body.access_token);
    if (typeof body.refresh_token === 'string') registerSecret(body.refresh_token);
    if (typeof body.token_type === 'string' && body.token_type.toLowerCase() !== 'bearer') {
      throw new ApiError(
        ApiErrorCode.InvalidResponse,
        `the token endpoint issued a "${body.token_type}" token; only bearer tokens are supported`,
        { status: 200 },
      );
    }
    const expiresIn = typeof body.expires_in === 'number' && body.expires_in > 0 ? body.expires_in : 3600;
    return { value: body.access_token, expiresAt: this.now() + expiresIn * 1000 };
  }

  private tokenError(response: HttpResponse, path: string): ApiError {
    const { status } = response;
    const where = `${this.options.authUrl}${path}`;
    if (status === 429) {
      const retryAfterMs = parseRetryAfter(response.headers['retry-after'], this.now());
      return new ApiError(ApiErrorCode.RateLimited, `the token endpoint ${where} is rate limiting (429)`, {
        status,
        ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
      });
    }
    if (status >= 500)
      return new ApiError(
        ApiErrorCode.ServerError,
        `the token endpoint ${where} answered ${status}: ${serverMessage(response)}`,
        { status },
      );
    const code = (response.json as { error?: unknown } | undefined)?.error;
    const variables =
      this.options.auth.flow === 'access_key'
        ? 'CXONE_CLIENT_ID, CXONE_CLIENT_SECRET, CXONE_ACCESS_KEY_ID and CXONE_ACCESS_KEY_SECRET'
        : 'CXONE_CLIENT_ID and CXONE_CLIENT_SECRET';
    const hints: Record<string, string> = {
      invalid_client: `Check ${variables}, and auth.clientAuth (body or basic) in the config.`,
      invalid_grant:
        'Check CXONE_ACCESS_KEY_ID and CXONE_ACCESS_KEY_SECRET: the access key is wrong, expired or revoked.',
      unsupported_grant_type:
        'Check auth.flow and auth.tokenRequest in the config: this endpoint does not accept that grant or encoding.',
      invalid_scope: 'Check auth.scope in the config, and the scopes granted to the API client.',
    };
    return new ApiError(
      ApiErrorCode.TokenRejected,
      `the token endpoint ${where} refused to issue a token (${status}${typeof code === 'string' ? ` ${code}` : ''}): ${serverMessage(response)}`,
      {
        status,
        hint:
          (typeof code === 'string' ? hints[code] : undefined) ??
          `Check ${variables}, authUrl and the auth settings in the config.`,
      },
    );
  }
}

function formEncode(value: string): string {
  return new URLSearchParams({ v: value }).toString().slice(2);
}
