// A lean axios adapter over node:http(s) with keep-alive agents. axios's own http adapter spends much of the
// client's CPU on this hot path (a setsockopt per request, proxy lookups, stream plumbing), which halves the
// submission rate against a fast server. axios still does config merging, headers and transforms; this only
// moves the bytes. When a proxy is configured in the environment, axios's own adapter is used instead.

import { Agent as HttpAgent, request as httpRequest } from 'node:http';
import type { ClientRequest, IncomingMessage } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import { AxiosError, CanceledError } from 'axios';
import type { AxiosAdapter, AxiosResponse } from 'axios';

export function keepAliveAdapter(): AxiosAdapter {
  const httpAgent = new HttpAgent({ keepAlive: true });
  const httpsAgent = new HttpsAgent({ keepAlive: true });
  return (config) =>
    new Promise<AxiosResponse>((resolve, reject) => {
      const url = new URL(fullUrl(config.baseURL, config.url ?? ''));
      const body = typeof config.data === 'string' ? config.data : undefined;
      // axios has already normalized the request headers into an AxiosHeaders.
      const headers = config.headers.toJSON() as Record<string, string>;
      // Bodies are returned as text, undecoded: never ask for compression.
      headers['Accept-Encoding'] = 'identity';
      if (body !== undefined) headers['Content-Length'] = String(Buffer.byteLength(body));
      const isHttps = url.protocol === 'https:';
      let settled = false;
      let timer: NodeJS.Timeout | undefined;
      const finish = (action: () => void) => {
        if (settled) return;
        settled = true;
        if (timer !== undefined) clearTimeout(timer);
        config.signal?.removeEventListener?.('abort', onAbort);
        action();
      };

      const onResponse = (res: IncomingMessage) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('error', (error) =>
          finish(() => reject(AxiosError.from(error, (error as NodeJS.ErrnoException).code, config, req))),
        );
        res.on('end', () => {
          const status = res.statusCode ?? 0;
          // axios turns these raw headers into an AxiosHeaders itself.
          const response: AxiosResponse = {
            data: Buffer.concat(chunks).toString('utf8'),
            status,
            statusText: res.statusMessage ?? '',
            headers: res.headers,
            config,
            request: req,
          };
          const accept = config.validateStatus?.(status) ?? (status >= 200 && status < 300);
          finish(() =>
            accept
              ? resolve(response)
              : reject(
                  new AxiosError(
                    `Request failed with status code ${status}`,
                    status >= 500 ? AxiosError.ERR_BAD_RESPONSE : AxiosError.ERR_BAD_REQUEST,
                    config,
                    req,
                    response,
                  ),
                ),
          );
        });
      };

      const send = isHttps ? httpsRequest : httpRequest;
      const req: ClientRequest = send(
        url,
        { method: (config.method ?? 'get').toUpperCase(), headers, agent: isHttps ? httpsAgent : httpAgent },
        onResponse,
      );
      req.on('error', (error) =>
        finish(() => reject(AxiosError.from(error, (error as NodeJS.ErrnoException).code, config, req))),
      );

      const onAbort = () => {
        req.destroy();
        finish(() => reject(new CanceledError(undefined, config, req)));
      };
      if (config.signal?.aborted === true) return onAbort();
      config.signal?.addEventListener?.('abort', onAbort);
      if (config.timeout !== undefined && config.timeout > 0) {
        // A deadline for the whole attempt, as axios's own timeout is.
        timer = setTimeout(() => {
          req.destroy();
          finish(() =>
            reject(new AxiosError(`timeout of ${config.timeout}ms exceeded`, AxiosError.ECONNABORTED, config, req)),
          );
        }, config.timeout);
      }
      req.end(body);
    });
}

/** baseURL joined with url, as axios's combineURLs does (a path prefix on baseURL is kept). */
export function fullUrl(baseURL: string | undefined, url: string): string {
  if (baseURL === undefined || /^[a-z][a-z\d+.-]*:\/\//i.test(url)) return url;
  return url === '' ? baseURL : `${baseURL.replace(/\/+$/, '')}/${url.replace(/^\/+/, '')}`;
}

/** Proxies configured the usual way are honoured by axios's own adapter. */
export function proxyConfigured(env: Readonly<Record<string, string | undefined>>): boolean {
  return ['HTTPS_PROXY', 'https_proxy', 'HTTP_PROXY', 'http_proxy'].some((name) => (env[name] ?? '') !== '');
}
