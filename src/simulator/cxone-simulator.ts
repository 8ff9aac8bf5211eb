// The embedded CXone simulator: a real HTTP server on loopback that speaks docs/design/cxone-contract.md as strictly as
// CXone is described to, injects faults on demand, and records everything it received for tests to assert on.

import { createServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { InternalError } from '../errors.js';
import { canonicalJson } from '../definitions/canonical-json.js';
import { payloadProblems } from '../contract/execution-payload.js';
import { ExecutionLifecycle } from './execution-lifecycle.js';
import { seededRandom } from './seeded-random.js';
import { BodyTooLarge, mediaType, readBody, sendJson } from './sim-http.js';
import { isLoopbackAddress } from '../contract/callback-target.js';
import { sameSecret } from '../contract/same-secret.js';
import { maskedRecord } from './sim-record.js';
import type { RecordedRequest, SimulatedExecution, SimulatorRecord } from './sim-record.js';
import { simulatorOptions } from './simulator-options.js';
import type { FaultSettings, SimulatorOptions } from './simulator-options.js';
import { answerTokenRequest, recordableTokenFields } from './token-endpoint.js';
import type { IssuedToken } from './token-endpoint.js';
import { TokenBucket } from './token-bucket.js';
import { crypto } from '../on-first-use.js';

const EXECUTIONS_ROUTE = /^\/api\/v2\/dataprep\/dataactions\/([^/]+)\/executions$/;
const STATUS_ROUTE = /^\/api\/v2\/dataprep\/dataactions\/([^/]+)\/executions\/([^/]+)$/;
const MAX_BODY_BYTES = 1024 * 1024;

interface IdempotentResult {
  fingerprint: string;
  status: number;
  body: Record<string, unknown>;
  expiresAt: number;
}

export class CxoneSimulator {
  readonly options: SimulatorOptions;
  private server: Server | undefined;
  private readonly sockets = new Set<Socket>();
  private readonly tokens = new Map<string, IssuedToken>();
  private readonly idempotency = new Map<string, IdempotentResult>();
  private readonly executions = new Map<string, SimulatedExecution>();
  private readonly requests: RecordedRequest[] = [];
  private readonly buckets = new Map<string, TokenBucket>();
  private faults: FaultSettings;
  private apiRequestCount = 0;
  private tokensIssued = 0;
  private random: () => number;
  private readonly lifecycle: ExecutionLifecycle;

  constructor(overrides: Partial<SimulatorOptions> = {}) {
    this.options = simulatorOptions(overrides);
    this.faults = this.options.faults;
    this.random = seededRandom(this.options.seed);
    this.lifecycle = new ExecutionLifecycle(
      () => this.options.lifecycle,
      this.options.callbackSecret,
      () => this.random(),
      this.options.clock,
    );
  }

  /** Listens on 127.0.0.1 (or the configured host) and resolves with the base URL. */
  async start(): Promise<string> {
    // A failure while reading a request (the client went away) ends that connection, never the simulator.
    const server = createServer((req, res) => void this.handle(req, res).catch(() => res.destroy()));
    server.on('connection', (socket) => {
      this.sockets.add(socket);
      socket.on('close', () => this.sockets.delete(socket));
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.options.port, this.options.host, () => resolve());
    });
    this.server = server;
    return this.url;
  }

  get url(): string {
    const address = this.server?.address() as AddressInfo | null | undefined;
    if (address === null || address === undefined)
      throw new InternalError('the simulator is not listening: start() it first');
    const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
    return `http://${host}:${address.port}`;
  }

  async stop(): Promise<void> {
    await this.lifecycle.stop();
    const server = this.server;
    this.server = undefined;
    if (server === undefined) return;
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  /** Replaces the fault settings (also reachable as POST /_sim/faults). Counters for `first` restart. */
  setFaults(faults: FaultSettings): void {
    this.faults = faults;
    this.apiRequestCount = 0;
    this.buckets.clear();
  }

  /** Every token issued so far now answers 401, as if it had expired. */
  expireTokens(): void {
    for (const token of this.tokens.values()) token.expiresAt = 0;
  }

  /** Ends an execution under way now (also POST /_sim/executions/{id}/finish); false if it had ended or is unknown. */
  finishExecution(executionId: string): boolean {
    return this.lifecycle.finishNow(executionId);
  }

  /** What it received and did, with the callback token masked wherever a callback URL carried it. */
  record(): SimulatorRecord {
    return maskedRecord(
      structuredClone({
        requests: this.requests,
        executions: [...this.executions.values()],
        tokensIssued: this.tokensIssued,
      }),
    );
  }

  reset(): void {
    this.requests.length = 0;
    this.apiRequestCount = 0;
    this.buckets.clear();
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = new URL(req.url ?? '/', 'http://simulator').pathname;
    const entry: RecordedRequest = {
      seq: this.requests.length + 1,
      method: req.method ?? 'GET',
      path,
      headers: maskedHeaders(req),
      body: undefined,
      dataActionId: undefined,
      receivedAt: this.options.clock.now(),
      respondedAt: undefined,
      status: undefined,
    };
    res.on('finish', () => {
      entry.respondedAt = this.options.clock.now();
      entry.status = res.statusCode;
    });
    let body: Buffer;
    try {
      body = await readBody(req, MAX_BODY_BYTES);
    } catch (error) {
      if (error instanceof BodyTooLarge)
        return sendJson(res, 413, {
          error: 'payload_too_large',
          message: `bodies are limited to ${MAX_BODY_BYTES} bytes`,
        });
      throw error;
    }
    try {
      if (path.startsWith('/_sim/')) return this.handleControl(req, res, path, body);
      this.requests.push(entry);
      if (req.method === 'POST' && (path === '/oauth/token' || path === '/auth/token'))
        return this.handleToken(req, res, body, entry);
      const executions = EXECUTIONS_ROUTE.exec(path);
      const status = STATUS_ROUTE.exec(path);
      if (executions === null && status === null)
        return sendJson(res, 404, { error: 'not_found', message: `no route for ${req.method} ${path}` });
      entry.dataActionId = decodeURIComponent((executions ?? status)![1]!);
      entry.body = parseJson(body);
      if (await this.injectFault(req, res, entry)) return;
      const token = this.authenticate(
        req,
        res,
        req.method === 'GET' ? 'dataprep:dataactions:read' : 'dataprep:dataactions:write',
      );
      if (token === undefined) return;
      if (this.rateLimited(res, token.clientId)) return;
      if (executions !== null) {
        if (req.method !== 'POST')
          return sendJson(
            res,
            405,
            { error: 'method_not_allowed', message: 'use POST to submit an execution' },
            { Allow: 'POST' },
          );
        return this.submitExecution(req, res, entry.dataActionId, body);
      }
      if (req.method !== 'GET')
        return sendJson(
          res,
          405,
          { error: 'method_not_allowed', message: 'use GET to read an execution' },
          { Allow: 'GET' },
        );
      return this.executionStatus(res, entry.dataActionId, decodeURIComponent(status![2]!));
    } catch (error) {
      if (!res.headersSent) sendJson(res, 500, { error: 'internal', message: (error as Error).message });
    }
  }

  private handleToken(req: IncomingMessage, res: ServerResponse, body: Buffer, entry: RecordedRequest): void {
    const request = { contentType: mediaType(req), authorization: req.headers.authorization, body };
    entry.body = recordableTokenFields(request);
    const answer = answerTokenRequest(request, this.options, this.options.clock.now());
    if (answer.token !== undefined) {
      this.tokens.set(answer.token.value, answer.token);
      this.tokensIssued++;
    }
    sendJson(res, answer.status, answer.body, answer.headers);
  }

  /** Drops, latency and 5xx, in that order; true when the request has been dealt with. */
  private async injectFault(_req: IncomingMessage, res: ServerResponse, entry: RecordedRequest): Promise<boolean> {
    const count = ++this.apiRequestCount;
    const { drops, latencyMs, serverErrors } = this.faults;
    if (drops !== undefined && (count <= (drops.first ?? 0) || this.random() < (drops.rate ?? 0))) {
      entry.status = 'dropped';
      res.socket?.destroy();
      return true;
    }
    if (latencyMs !== undefined && latencyMs > 0) await new Promise((resolve) => setTimeout(resolve, latencyMs));
    if (
      serverErrors !== undefined &&
      (count <= (serverErrors.first ?? 0) || this.random() < (serverErrors.rate ?? 0))
    ) {
      sendJson(res, serverErrors.status ?? 503, {
        error: 'service_unavailable',
        message: 'the export service is temporarily unavailable',
      });
      return true;
    }
    return false;
  }

  private authenticate(req: IncomingMessage, res: ServerResponse, scope: string): IssuedToken | undefined {
    const match = /^Bearer\s+(\S+)$/.exec(req.headers.authorization ?? '');
    const token = match === null ? undefined : this.tokens.get(match[1]!);
    let problem: string | undefined;
    if (match === null) problem = 'missing bearer token';
    else if (token === undefined) problem = 'unknown token';
    else if (token.expiresAt <= this.options.clock.now()) problem = 'token expired';
    else if (!token.scopes.includes(scope)) problem = `token lacks scope ${scope}`;
    if (problem === undefined) return token;
    sendJson(
      res,
      401,
      { error: 'invalid_token', message: problem },
      { 'WWW-Authenticate': `Bearer error="invalid_token", error_description="${problem}"` },
    );
    return undefined;
  }

  private rateLimited(res: ServerResponse, tenant: string): boolean {
    const limit = this.faults.rateLimit;
    if (limit === undefined) return false;
    let bucket = this.buckets.get(tenant);
    if (bucket === undefined) {
      bucket = new TokenBucket(limit.requestsPerSecond, limit.burst ?? Math.max(1, limit.requestsPerSecond), () =>
        this.options.clock.now(),
      );
      this.buckets.set(tenant, bucket);
    }
    const taken = bucket.take();
    if (taken.allowed) return false;
    const headers: Record<string, string> = {};
    if (limit.retryAfter === 'seconds' || limit.retryAfter === undefined)
      headers['Retry-After'] = String(Math.max(1, Math.ceil(taken.retryAfterMs / 1000)));
    // An HTTP date has whole seconds: round up, so waiting until it is always long enough.
    else if (limit.retryAfter === 'date')
      headers['Retry-After'] = new Date(
        Math.ceil((this.options.clock.now() + Math.max(1000, taken.retryAfterMs)) / 1000) * 1000,
      ).toUTCString();
    sendJson(res, 429, { error: 'rate_limited', message: 'tenant request quota exceeded' }, headers);
    return true;
  }

  private async submitExecution(
    req: IncomingMessage,
    res: ServerResponse,
    pathDataActionId: string,
    raw: Buffer,
  ): Promise<void> {
    if (mediaType(req) !== 'application/json')
      return sendJson(res, 415, { error: 'unsupported_media_type', message: 'send the execution as application/json' });
    const body = parseJson(raw);
    if (body === undefined)
      return sendJson(res, 400, { error: 'invalid_request', message: 'the body is not valid JSON', field: '(body)' });
    const [problem] = payloadProblems(body);
    if (problem !== undefined)
      return sendJson(res, 400, { error: 'invalid_request', message: problem.message, field: problem.field });
    const payload = body as {
      dataActionId: string;
      datasetId: string;
      callbackUrl?: string;
      export: { maxRows: number };
    };
    if (payload.dataActionId !== pathDataActionId) {
      return sendJson(res, 400, {
        error: 'invalid_request',
        message: `dataActionId "${payload.dataActionId}" does not match the path's "${pathDataActionId}"`,
        field: 'dataActionId',
      });
    }
    if (this.options.unknownDataActions.includes(pathDataActionId))
      return sendJson(res, 404, { error: 'not_found', message: `data action ${pathDataActionId} does not exist` });
    if (this.options.forbiddenDataActions.includes(pathDataActionId))
      return sendJson(res, 403, {
        error: 'forbidden',
        message: `the client may not execute data action ${pathDataActionId}`,
      });
    if (this.options.unknownDatasets.includes(payload.datasetId))
      return sendJson(res, 400, {
        error: 'invalid_request',
        message: `dataset ${payload.datasetId} is not an active dataset in Data Prep`,
        field: 'datasetId',
      });

    const key = req.headers['idempotency-key'];
    const idempotencyKey = typeof key === 'string' ? key : undefined;
    if (idempotencyKey !== undefined && (idempotencyKey.length === 0 || idempotencyKey.length > 255)) {
      return sendJson(res, 400, {
        error: 'invalid_request',
        message: 'Idempotency-Key must be 1 to 255 characters',
        field: 'Idempotency-Key',
      });
    }
    const fingerprint = canonicalJson(body);
    if (idempotencyKey !== undefined) {
      const previous = this.idempotency.get(idempotencyKey);
      if (previous !== undefined && previous.expiresAt > this.options.clock.now()) {
        if (previous.fingerprint !== fingerprint)
          return sendJson(res, 422, {
            error: 'idempotency_key_reused',
            message: 'this Idempotency-Key was used with a different request',
          });
        return sendJson(res, previous.status, previous.body, { 'Idempotent-Replayed': 'true' });
      }
    }

    const submission = {
      dataActionId: payload.dataActionId,
      datasetId: payload.datasetId,
      ...(payload.callbackUrl === undefined ? {} : { callbackUrl: payload.callbackUrl }),
    };
    if ((await this.options.onSubmission?.({ phase: 'received', ...submission })) === 'drop') {
      res.socket?.destroy();
      return;
    }
    const execution: SimulatedExecution = {
      executionId: `exe_${crypto().randomUUID()}`,
      dataActionId: payload.dataActionId,
      datasetId: payload.datasetId,
      idempotencyKey,
      payload: body,
      status: 'queued',
      createdAt: new Date(this.options.clock.now()).toISOString(),
      startTime: undefined,
      endTime: undefined,
      rowsExported: undefined,
      callbackUrl: payload.callbackUrl,
      callback: undefined,
    };
    this.executions.set(execution.executionId, execution);
    const answer = { executionId: execution.executionId, status: execution.status, createdAt: execution.createdAt };
    if (idempotencyKey !== undefined)
      this.idempotency.set(idempotencyKey, {
        fingerprint,
        status: 201,
        body: answer,
        expiresAt: this.options.clock.now() + this.options.idempotencyTtlMs,
      });
    this.lifecycle.start(execution, payload.export.maxRows);
    await this.options.onSubmission?.({ phase: 'created', ...submission });
    sendJson(res, 201, answer);
  }

  private executionStatus(res: ServerResponse, dataActionId: string, executionId: string): void {
    if (!this.options.statusEndpoint)
      return sendJson(res, 405, { error: 'method_not_allowed', message: 'status lookup is not available' });
    const execution = this.executions.get(executionId);
    if (execution === undefined || execution.dataActionId !== dataActionId)
      return sendJson(res, 404, {
        error: 'not_found',
        message: `no execution ${executionId} for data action ${dataActionId}`,
      });
    const { status, rowsExported, startTime, endTime } = execution;
    sendJson(res, 200, {
      executionId,
      status,
      rowsExported: rowsExported ?? null,
      startTime: startTime ?? null,
      endTime: endTime ?? null,
    });
  }

  private handleControl(req: IncomingMessage, res: ServerResponse, path: string, body: Buffer): void {
    const token = this.options.controlToken;
    if (
      token !== undefined &&
      !isLoopbackAddress(req.socket.remoteAddress ?? '') &&
      !sameSecret(req.headers.authorization ?? '', `Bearer ${token}`)
    )
      return sendJson(res, 401, {
        error: 'unauthorized',
        message: 'the control routes answer a peer beyond loopback only with the control token sim printed',
      });
    if (req.method === 'GET' && path === '/_sim/executions') return sendJson(res, 200, this.record());
    if (req.method === 'POST' && path === '/_sim/faults') {
      this.setFaults(parseJson(body) ?? {});
      return sendJson(res, 200, { faults: this.faults });
    }
    if (req.method === 'POST' && path === '/_sim/tokens/expire') {
      this.expireTokens();
      return sendJson(res, 200, { expired: this.tokens.size });
    }
    const finish = /^\/_sim\/executions\/([^/]+)\/finish$/.exec(path);
    if (req.method === 'POST' && finish !== null) {
      const finished = this.finishExecution(decodeURIComponent(finish[1]!));
      return sendJson(res, finished ? 200 : 409, { finished });
    }
    if (req.method === 'POST' && path === '/_sim/reset') {
      this.reset();
      return sendJson(res, 200, { reset: true });
    }
    sendJson(res, 404, { error: 'not_found', message: `no simulator control route ${req.method} ${path}` });
  }
}

function maskedHeaders(req: IncomingMessage): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(req.headers)) {
    if (value === undefined) continue;
    const text = Array.isArray(value) ? value.join(', ') : value;
    headers[name] = name === 'authorization' ? text.replace(/^(\w+)\s+.*$/, '$1 ***') : text;
  }
  return headers;
}

function parseJson(body: Buffer): unknown {
  if (body.length === 0) return undefined;
  try {
    return JSON.parse(body.toString('utf8')) as unknown;
  } catch {
    return undefined;
  }
}
