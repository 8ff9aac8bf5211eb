// The internet-facing receiver for CXone's completion callbacks: strict about what it reads (size, type,
// authentication, schema), quick to cut off slow clients, and it answers 200 only once an event is durable.

import { createServer as createHttpServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { Clock } from '../clock.js';
import { sameSecret } from '../contract/same-secret.js';
import { schemaCheck } from '../diagnostics/schema-validator.js';
import type { CompletionReport } from '../state/record-completion.js';
import { checkCallbackAuth } from './callback-auth.js';
import type { CallbackAuthSettings } from './callback-auth.js';
import type { CallbackRecorder, RecordOutcome } from './callback-recorder.js';
import type { RequestObserver } from './request-metrics.js';
import { answerPage, isPageRoute } from './status-routes.js';
import type { PageSource } from './status-routes.js';
import type { RejectionAudit } from './rejection-audit.js';

export const MAX_BODY_BYTES = 64 * 1024;

/** Where one environment's callbacks arrive, who may send them, and where they are recorded. */
export interface CallbackRoute {
  path: string;
  auth: CallbackAuthSettings;
  recorder: CallbackRecorder;
  rejections: RejectionAudit;
}

export interface ReceiverOptions {
  /**
   * Each environment's callbacks (one, or several that share this listener); none on a listener that serves
   * /metrics alone. A callback goes to the routes of its path whose authentication it passes, and is recorded by
   * the first whose state knows its execution.
   */
  routes: readonly CallbackRoute[];
  /** Whether this listener answers /metrics, and the bearer token it asks for there. */
  metricsRoute: { served: boolean; token?: string };
  /** The exposition /metrics answers (every environment's, when there are several). */
  renderMetrics: () => Promise<{ contentType: string; body: string }>;
  requests: RequestObserver;
  /** The status pages, served where /metrics is and behind its token (none: no pages). */
  pages?: readonly PageSource[];
  /** `serve --public-status-page`: the pages on this listener, without the token. */
  publicPages?: boolean;
  /** Runs before /metrics answers (to catch up with what others appended to the audit log). */
  beforeMetrics?: () => Promise<void>;
  /** One JSON line per request. */
  log: (line: string) => void;
  tls?: { cert: Buffer; key: Buffer };
  clock: Clock;
}

interface Answer {
  status: number;
  body: unknown;
  executionId?: string;
  headers?: Record<string, string>;
}

export function createCallbackServer(options: ReceiverOptions): Server {
  const check = schemaCheck('callback-event');
  const serverOptions = {
    // Slow clients are cut off: headers within 5 s, the whole request within 10 s, idle keep-alive after 5 s.
    headersTimeout: 5_000,
    requestTimeout: 10_000,
    keepAliveTimeout: 5_000,
    connectionsCheckingInterval: 500,
  };
  const handler = (req: IncomingMessage, res: ServerResponse) => {
    const started = process.hrtime.bigint();
    const url = requestTarget(req.url ?? '/');
    void answer(req, url)
      .catch((): Answer => ({ status: 500, body: { error: 'internal error' } }))
      .then((result) => {
        if (!res.headersSent) {
          // /metrics answers text in its own content type; everything else is JSON.
          const text =
            result.headers?.['Content-Type'] === undefined ? JSON.stringify(result.body) : String(result.body);
          res.writeHead(result.status, {
            'Content-Type': 'application/json',
            ...result.headers,
            'Content-Length': Buffer.byteLength(text),
          });
          res.end(text);
        }
        const seconds = Number(process.hrtime.bigint() - started) / 1e9;
        const route = options.routes.some((r) => r.path === url.pathname)
          ? 'callback'
          : ['/healthz', '/metrics'].includes(url.pathname)
            ? url.pathname.slice(1)
            : 'other';
        options.requests.observeRequest(req.method ?? 'GET', route, result.status, seconds);
        // The path only: a ?token= query must never reach a log.
        options.log(
          JSON.stringify({
            time: new Date(options.clock.now()).toISOString(),
            method: req.method,
            path: url.pathname,
            status: result.status,
            durationMs: Math.round(seconds * 1e6) / 1e3,
            ...(result.executionId === undefined ? {} : { executionId: result.executionId }),
          }),
        );
      });
  };

  async function answer(req: IncomingMessage, url: RequestTarget): Promise<Answer> {
    if (req.method === 'GET' && url.pathname === '/healthz') {
      // Unhealthy while callbacks cannot be recorded, so a load balancer or an alert notices.
      const failure = options.routes.map((r) => r.recorder.failure).find((f) => f !== undefined);
      return failure === undefined
        ? { status: 200, body: { status: 'ok' } }
        : {
            status: 503,
            body: {
              status: 'failing',
              since: failure.since,
              error: 'callbacks cannot be recorded; the receiver log says why',
            },
          };
    }
    const publicPages = options.publicPages === true;
    if (options.pages !== undefined && (options.metricsRoute.served || publicPages) && isPageRoute(url.pathname)) {
      // Behind the /metrics token: a browser asks for it (Basic, the token as the password), a script sends it as
      // a bearer token. `--public-status-page` serves the pages to anyone, explicitly.
      const { token } = options.metricsRoute;
      if (!publicPages && token !== undefined && !pageTokenGiven(req.headers.authorization ?? '', token))
        return {
          status: 401,
          body: { error: 'unauthorized' },
          headers: { 'WWW-Authenticate': 'Basic realm="cxone-exports status", charset="UTF-8"' },
        };
      const page = await answerPage(req.method ?? 'GET', url.pathname, url.searchParams, options.pages);
      if (page !== undefined) return drain(req, page);
    }
    if (req.method === 'GET' && url.pathname === '/metrics' && options.metricsRoute.served) {
      const { token } = options.metricsRoute;
      if (token !== undefined && !sameSecret(req.headers.authorization ?? '', `Bearer ${token}`))
        return { status: 401, body: { error: 'unauthorized' }, headers: { 'WWW-Authenticate': 'Bearer' } };
      await options.beforeMetrics?.();
      const metrics = await options.renderMetrics();
      return { status: 200, body: metrics.body, headers: { 'Content-Type': metrics.contentType } };
    }
    const routes = options.routes.filter((r) => r.path === url.pathname);
    if (routes.length === 0) return drain(req, { status: 404, body: { error: 'not found' } });
    // Refusals before a route is known are audited where the first route's are.
    const first = routes[0]!;
    if (req.method !== 'POST')
      return drain(req, { status: 405, body: { error: 'use POST' }, headers: { Allow: 'POST' } });
    const type = (req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
    if (type !== 'application/json') return drain(req, { status: 415, body: { error: 'send application/json' } });

    const source = req.socket.remoteAddress ?? 'unknown';
    const raw = await readLimited(req);
    if (raw === undefined) {
      await first.rejections.reject('body-too-large', source);
      return {
        status: 413,
        body: { error: `bodies are limited to ${MAX_BODY_BYTES} bytes` },
        headers: { Connection: 'close' },
      };
    }
    // The routes whose secret or token the callback carries: an environment's callbacks pass its own only.
    const now = Math.floor(options.clock.now() / 1000);
    const verdicts = routes.map((route) => checkCallbackAuth(route.auth, req.headers, url.searchParams, raw, now));
    const trusted = routes.filter((_route, index) => verdicts[index]!.ok);
    if (trusted.length === 0) {
      const verdict = verdicts[0]! as { ok: false; reason: Parameters<RejectionAudit['reject']>[0] };
      await first.rejections.reject(verdict.reason, source);
      return { status: 401, body: { error: 'unauthorized' } };
    }
    const { rejections } = trusted[0]!;
    let body: unknown;
    try {
      body = JSON.parse(raw.toString('utf8'));
    } catch {
      await rejections.reject('invalid-json', source);
      return { status: 400, body: { error: 'the body is not valid JSON' } };
    }
    const problems = check(body);
    if (problems.length > 0) {
      await rejections.reject('schema', source, { error: problems[0]!.message });
      return { status: 400, body: { error: problems.map((p) => p.message).join('; ') } };
    }
    // Text no store keeps (U+0000, a lone surrogate) would fail the whole batch it is recorded with: it is
    // refused alone, and named without being repeated.
    const unstorable = unstorableField(body as Record<string, unknown>);
    if (unstorable !== undefined) {
      const error = `${unstorable} holds a character that cannot be stored (U+0000 or a lone surrogate)`;
      await rejections.reject('schema', source, { error });
      return { status: 400, body: { error } };
    }
    const report = body as CompletionReport;
    let outcome: RecordOutcome | undefined;
    try {
      // The first environment whose state knows the execution records it; the others are not written.
      for (const route of trusted) {
        outcome = await route.recorder.record(report);
        if (outcome.kind !== 'unknown') break;
      }
    } catch {
      // Not recorded (the state locked, the database gone): unavailable for now, so CXone delivers it again.
      return {
        status: 503,
        body: { error: 'the event could not be recorded now; deliver it again' },
        headers: { 'Retry-After': '5' },
        executionId: report.executionId,
      };
    }
    if (outcome === undefined || outcome.kind === 'unknown') {
      // Bounded like every refusal: an authenticated sender can still send many.
      await rejections.reject('unknown-execution', source, {
        executionId: report.executionId,
        status: report.status,
      });
      return { status: 404, body: { error: 'unknown execution' }, executionId: report.executionId };
    }
    if (outcome.kind === 'pending')
      return {
        status: 503,
        body: { error: 'the execution is not recorded yet (a run holding the state lock may be recording it)' },
        headers: { 'Retry-After': '1' },
        executionId: report.executionId,
      };
    const anomalies = outcome.kind === 'recorded' || outcome.kind === 'ignored' ? outcome.anomalies : [];
    return {
      status: 200,
      body: { status: outcome.kind, ...(anomalies.length > 0 ? { anomalies } : {}) },
      executionId: report.executionId,
    };
  }

  return options.tls === undefined
    ? createHttpServer(serverOptions, handler)
    : createHttpsServer({ ...serverOptions, ...options.tls }, handler);
}

interface RequestTarget {
  pathname: string;
  searchParams: URLSearchParams;
}

/**
 * The path and query of a request target. The usual one, a plain path, is split by hand; anything else (dots,
 * escapes, an absolute URL) is read by the URL parser, which resolves it.
 */
function requestTarget(target: string): RequestTarget {
  const match = /^(\/[A-Za-z0-9_/-]*)(?:\?([^#]*))?$/.exec(target);
  if (match === null) return new URL(target, 'http://receiver');
  return { pathname: match[1]!, searchParams: new URLSearchParams(match[2] ?? '') };
}

/**
 * The body, or undefined once it passes the limit. Reading stops there; the 413 goes out with
 * `Connection: close`, so the rest of an oversized body is never read.
 */
function readLimited(req: IncomingMessage): Promise<Buffer | undefined> {
  if (Number(req.headers['content-length'] ?? '0') > MAX_BODY_BYTES) {
    req.pause();
    return Promise.resolve(undefined);
  }
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        req.off('data', onData);
        req.pause();
        resolve(undefined);
        return;
      }
      chunks.push(chunk);
    };
    req.on('data', onData);
    req.once('end', () => resolve(Buffer.concat(chunks)));
    req.once('error', reject);
  });
}

/** Answers without reading a body the client may still be sending. */
function drain(req: IncomingMessage, result: Answer): Answer {
  req.resume();
  return result;
}

const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/** The first string field holding U+0000 or text that is not well-formed Unicode, or undefined. */
function unstorableField(body: Record<string, unknown>): string | undefined {
  for (const [key, value] of Object.entries(body))
    if (typeof value === 'string' && (value.includes('\u0000') || LONE_SURROGATE.test(value))) return key;
  return undefined;
}

/** The /metrics token, as a bearer token or as the password of Basic authentication (what a browser asks for). */
function pageTokenGiven(authorization: string, token: string): boolean {
  if (sameSecret(authorization, `Bearer ${token}`)) return true;
  const basic = /^Basic ([A-Za-z0-9+/=]+)$/.exec(authorization);
  if (basic === null) return false;
  const decoded = Buffer.from(basic[1]!, 'base64').toString('utf8');
  return sameSecret(decoded.slice(decoded.indexOf(':') + 1), token);
}
