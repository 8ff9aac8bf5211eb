// The HTTP edge towards CXone: axios instances that never throw on a status (we map statuses ourselves) and
// network failures turned into ApiErrors whose messages cannot carry headers, bodies or tokens.

import { Agent as HttpAgent } from 'node:http';
import { Agent as HttpsAgent } from 'node:https';
import axios, { isAxiosError } from 'axios';
import type { AxiosInstance, AxiosRequestConfig } from 'axios';
import { ApiError, ApiErrorCode } from './api-error.js';
import { keepAliveAdapter } from './keep-alive-adapter.js';
import { toolVersion } from '../version.js';

export interface HttpResponse {
  status: number;
  headers: Record<string, string | undefined>;
  text: string;
  /** The body parsed as JSON, or undefined when it is not JSON. */
  json: unknown;
}

/** `proxied`: a proxy is configured in the environment, so axios's own adapter (which honours it) is used. */
export function createHttpInstance(baseURL: string, timeoutMs: number, proxied = false): AxiosInstance {
  return axios.create({
    baseURL,
    timeout: timeoutMs,
    maxRedirects: 0,
    headers: { 'User-Agent': `cxone-exports/${toolVersion()}` },
    validateStatus: () => true,
    responseType: 'text',
    // Bodies are always sent as strings and read as text: axios's default transforms would only cost time.
    transformRequest: [(data: unknown) => data],
    transformResponse: [(data: unknown) => data],
    httpAgent: new HttpAgent({ keepAlive: true }),
    httpsAgent: new HttpsAgent({ keepAlive: true }),
    ...(proxied ? {} : { adapter: keepAliveAdapter() }),
  });
}

/** Aborted calls (Ctrl-C) surface as this, so callers can tell them from failures. */
export class RequestAborted extends Error {
  constructor() {
    super('request aborted');
    this.name = 'RequestAborted';
  }
}

export async function sendRequest(
  instance: AxiosInstance,
  config: AxiosRequestConfig & { method: string; url: string },
): Promise<HttpResponse> {
  try {
    const response = await instance.request<string>(config);
    const text = typeof response.data === 'string' ? response.data : '';
    const headers: Record<string, string | undefined> = {};
    for (const [name, value] of Object.entries(response.headers as Record<string, unknown>)) {
      headers[name.toLowerCase()] =
        typeof value === 'string'
          ? value
          : Array.isArray(value)
            ? value.join(', ')
            : typeof value === 'number'
              ? String(value)
              : undefined;
    }
    return { status: response.status, headers, text, json: parseJson(text) };
  } catch (error) {
    throw networkError(error, instance, config);
  }
}

function networkError(error: unknown, instance: AxiosInstance, config: { method: string; url: string }): Error {
  if (!isAxiosError(error)) return error instanceof Error ? error : new Error(String(error));
  if (error.code === 'ERR_CANCELED') return new RequestAborted();
  // Only the code, method and address are used: an AxiosError's own fields include request headers.
  const target = `${config.method.toUpperCase()} ${describeUrl(instance.defaults.baseURL, config.url)}`;
  if (error.code === 'ECONNABORTED' || error.code === 'ETIMEDOUT') {
    return new ApiError(ApiErrorCode.Timeout, `${target} got no answer within ${instance.defaults.timeout ?? 0} ms`);
  }
  return new ApiError(ApiErrorCode.Network, `${target} failed: ${error.code ?? 'network error'}`, {
    hint: 'Check the network and the CXone URLs (authUrl/apiUrl, or CXONE_AUTH_URL/CXONE_API_URL).',
  });
}

function describeUrl(baseURL: string | undefined, path: string): string {
  try {
    const url = new URL(path, baseURL);
    return `${url.origin}${url.pathname}`;
  } catch {
    return path;
  }
}

function parseJson(text: string): unknown {
  if (text === '') return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

/** A short, redaction-ready excerpt of a body for error messages. */
export function bodyExcerpt(response: HttpResponse): string {
  const text = response.text.replace(/\s+/g, ' ').trim();
  if (text === '') return '(empty body)';
  return text.length > 300 ? `${text.slice(0, 297)}...` : text;
}
