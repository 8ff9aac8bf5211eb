// The executions client against the real simulator: the exact payload, the retry policy of
// docs/design/cxone-contract.md §6, the circuit breaker, token renewal on 401, and no secret in any error or debug
// line.

import { testClock } from '../support/test-clock.js';
import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import { waitFor } from '../support/wait-for.js';
import { ApiError } from '../../src/cxone/api-error.js';
import type { RetryEvent } from '../../src/cxone/retry-policy.js';
import { rawRequest, samplePayload, simClient, simEnvironment, startSimulator } from '../support/simulator.js';

const posts = (sim: Awaited<ReturnType<typeof startSimulator>>) =>
  sim.record().requests.filter((r) => r.method === 'POST' && r.path.includes('/executions'));

describe('submit', () => {
  it('sends exactly the contract payload, with bearer token and Idempotency-Key, and returns the execution', async () => {
    const sim = await startSimulator();
    const { executions } = simClient(sim);
    const payload = samplePayload({ callbackUrl: 'https://hooks.example.com/cb' });
    const result = await executions.submit(payload, { idempotencyKey: '0b5c6e0e-1d7f-4a51-9a43-5e0f5b0d8c11' });
    expect(result).toMatchObject({ executionId: expect.stringMatching(/^exe_/) as string, status: 'queued' });
    const [request] = posts(sim);
    expect(request).toMatchObject({
      path: '/api/v2/dataprep/dataactions/da-agent-activity/executions',
      status: 201,
      headers: {
        authorization: 'Bearer ***',
        'content-type': 'application/json',
        'idempotency-key': '0b5c6e0e-1d7f-4a51-9a43-5e0f5b0d8c11',
      },
    });
    expect(request!.body).toEqual({
      dataActionId: 'da-agent-activity',
      datasetId: 'ds-agent-activity',
      export: {
        format: 'csv',
        delimiter: ',',
        quoteCharacter: '"',
        escapeCharacter: '"',
        maxRows: 1000,
        columnAlignment: true,
      },
      callbackUrl: 'https://hooks.example.com/cb',
    });
  });

  it('gets the first execution back when the same Idempotency-Key is sent again', async () => {
    const sim = await startSimulator();
    const { executions } = simClient(sim);
    const first = await executions.submit(samplePayload(), { idempotencyKey: 'same-key' });
    const again = await executions.submit(samplePayload(), { idempotencyKey: 'same-key' });
    expect(again.executionId).toBe(first.executionId);
    expect(sim.record().executions).toHaveLength(1);
  });
});

describe('retry policy', () => {
  it('honours Retry-After in seconds on 429', async () => {
    const sim = await startSimulator({
      faults: { rateLimit: { requestsPerSecond: 1, burst: 1, retryAfter: 'seconds' } },
    });
    const retries: RetryEvent[] = [];
    const { executions } = simClient(sim, {}, { onRetry: (e) => retries.push(e) });
    await executions.submit(samplePayload(), { idempotencyKey: 'a' });
    const started = Date.now();
    await executions.submit(samplePayload(), { idempotencyKey: 'b' });
    expect(retries.map((r) => [r.error.status, r.delayMs])).toEqual([[429, 1000]]);
    expect(Date.now() - started).toBeGreaterThanOrEqual(950);
    expect(posts(sim).map((r) => r.status)).toEqual([201, 429, 201]);
  });

  it('honours Retry-After as an HTTP date', async () => {
    const sim = await startSimulator({ faults: { rateLimit: { requestsPerSecond: 1, burst: 1, retryAfter: 'date' } } });
    const retries: RetryEvent[] = [];
    const { executions } = simClient(sim, {}, { onRetry: (e) => retries.push(e) });
    await executions.submit(samplePayload(), { idempotencyKey: 'a' });
    await executions.submit(samplePayload(), { idempotencyKey: 'b' });
    expect(retries).toHaveLength(1);
    // An HTTP date has one-second resolution: the wait is whatever remains until it.
    expect(retries[0]!.delayMs).toBeGreaterThan(0);
    expect(retries[0]!.delayMs).toBeLessThanOrEqual(2000);
  });

  it('backs off exponentially without Retry-After, and stops at maxAttempts', async () => {
    const sim = await startSimulator({
      faults: { rateLimit: { requestsPerSecond: 0.001, burst: 1, retryAfter: 'none' } },
    });
    const retries: RetryEvent[] = [];
    const { executions } = simClient(
      sim,
      { apply: { maxAttempts: 4, backoff: { baseMs: 20, capMs: 60 } } },
      { onRetry: (e) => retries.push(e), random: () => 1 },
    );
    await executions.submit(samplePayload(), { idempotencyKey: 'a' });
    const error = (await executions
      .submit(samplePayload(), { idempotencyKey: 'b' })
      .catch((e: unknown) => e)) as ApiError;
    expect(error).toBeInstanceOf(ApiError);
    expect(error.code).toBe('rate-limited');
    expect(retries.map((r) => r.delayMs)).toEqual([20, 40, 60]);
    expect(posts(sim).map((r) => r.status)).toEqual([201, 429, 429, 429, 429]);
  });

  it('sends a 400 once and names the field', async () => {
    const sim = await startSimulator();
    const { executions } = simClient(sim);
    const error = (await executions
      .submit(samplePayload({ maxRows: 0 }), { idempotencyKey: 'a' })
      .catch((e: unknown) => e)) as ApiError;
    expect(error.code).toBe('bad-request');
    expect(error.field).toBe('export.maxRows');
    expect(error.message).toContain('[field: export.maxRows]');
    expect(error.hint).toContain('cxone-exports validate');
    expect(posts(sim)).toHaveLength(1);
  });

  it('sends a 403 once and names the data action and the scope', async () => {
    const sim = await startSimulator({ forbiddenDataActions: ['da-secret'] });
    const { executions } = simClient(sim);
    const error = (await executions
      .submit(samplePayload({ dataActionId: 'da-secret' }), { idempotencyKey: 'a' })
      .catch((e: unknown) => e)) as ApiError;
    expect(error.code).toBe('forbidden');
    expect(error.message).toContain('data action "da-secret"');
    expect(error.hint).toContain('dataprep:dataactions:write');
    expect(posts(sim)).toHaveLength(1);
  });

  it('sends a 404 once', async () => {
    const sim = await startSimulator({ unknownDataActions: ['da-gone'] });
    const { executions } = simClient(sim);
    const error = (await executions
      .submit(samplePayload({ dataActionId: 'da-gone' }), { idempotencyKey: 'a' })
      .catch((e: unknown) => e)) as ApiError;
    expect(error.code).toBe('not-found');
    expect(error.hint).toContain('spec.dataActionId');
    expect(posts(sim)).toHaveLength(1);
  });

  it('renews the token once on a 401 mid-run, then succeeds', async () => {
    const sim = await startSimulator();
    const { executions, tokens } = simClient(sim);
    await executions.submit(samplePayload(), { idempotencyKey: 'a' });
    sim.expireTokens();
    await executions.submit(samplePayload(), { idempotencyKey: 'b' });
    expect(tokens.fetches).toBe(2);
    expect(posts(sim).map((r) => r.status)).toEqual([201, 401, 201]);
  });

  it('fails clearly, naming credentials and scopes, on a persistent 401', async () => {
    const sim = await startSimulator({ clientScopes: ['dataprep:dataactions:read'] });
    const { executions, tokens } = simClient(sim);
    const error = (await executions
      .submit(samplePayload(), { idempotencyKey: 'a' })
      .catch((e: unknown) => e)) as ApiError;
    expect(error.code).toBe('unauthorized');
    expect(error.hint).toContain('dataprep:dataactions:read and dataprep:dataactions:write');
    expect(error.hint).toContain('CXONE_CLIENT_ID');
    expect(tokens.fetches).toBe(2);
    expect(posts(sim).map((r) => r.status)).toEqual([401, 401]);
  });

  it('retries a dropped connection', async () => {
    const sim = await startSimulator({ faults: { drops: { first: 1 } } });
    const { executions } = simClient(sim);
    await executions.submit(samplePayload(), { idempotencyKey: 'a' });
    expect(posts(sim).map((r) => r.status)).toEqual(['dropped', 201]);
  });

  it('retries a timed-out attempt with the same key, so only one execution exists', async () => {
    const sim = await startSimulator({ faults: { latencyMs: 400 } });
    const { executions } = simClient(sim, { apply: { timeoutMs: 150 } }, { onRetry: () => sim.setFaults({}) });
    const result = await executions.submit(samplePayload(), { idempotencyKey: 'slow' });
    // The abandoned first attempt still reaches the simulator's handler, later.
    await waitFor(() => posts(sim).length === 2, 'the abandoned first attempt to be answered');
    expect(sim.record().executions.map((e) => e.executionId)).toEqual([result.executionId]);
  });

  it('gives up on persistent timeouts with a timeout error', async () => {
    const sim = await startSimulator({ faults: { latencyMs: 300 } });
    const { executions } = simClient(sim, { apply: { timeoutMs: 80, maxAttempts: 2 } });
    const error = (await executions
      .submit(samplePayload(), { idempotencyKey: 'a' })
      .catch((e: unknown) => e)) as ApiError;
    expect(error.code).toBe('timeout');
    expect(error.message).toMatch(/got no answer within 80 ms/);
  });
});

describe('circuit breaker', () => {
  it('opens after N consecutive 5xx, fails fast while open, and lets a probe through after the cool-down', async () => {
    const sim = await startSimulator({ faults: { serverErrors: { first: 1000 } } });
    // The breaker's clock is the test's: the cool-down passes when the test says so.
    const clock = testClock();
    const { executions } = simClient(
      sim,
      { apply: { maxAttempts: 10, circuitBreaker: { failureThreshold: 3, cooldownMs: 300 } } },
      { clock },
    );
    const first = (await executions
      .submit(samplePayload(), { idempotencyKey: 'a' })
      .catch((e: unknown) => e)) as ApiError;
    expect(first.code).toBe('circuit-open');
    expect(first.message).toMatch(/failed 3 times in a row; not calling it again until \d{4}-\d\d-\d\dT/);
    expect(posts(sim)).toHaveLength(3);

    const whileOpen = (await executions
      .submit(samplePayload(), { idempotencyKey: 'b' })
      .catch((e: unknown) => e)) as ApiError;
    expect(whileOpen.code).toBe('circuit-open');
    expect(posts(sim)).toHaveLength(3);

    sim.setFaults({});
    clock.advance(299);
    const stillOpen = (await executions
      .submit(samplePayload(), { idempotencyKey: 'c' })
      .catch((e: unknown) => e)) as ApiError;
    expect(stillOpen.code).toBe('circuit-open');
    clock.advance(1);
    await executions.submit(samplePayload(), { idempotencyKey: 'c' });
    expect(posts(sim).map((r) => r.status)).toEqual([503, 503, 503, 201]);
  });

  it('does not count 4xx answers as failures', async () => {
    const sim = await startSimulator({ forbiddenDataActions: ['da-x'] });
    const { executions } = simClient(sim, { apply: { circuitBreaker: { failureThreshold: 2, cooldownMs: 60_000 } } });
    for (const key of ['a', 'b', 'c'])
      await executions.submit(samplePayload({ dataActionId: 'da-x' }), { idempotencyKey: key }).catch(() => undefined);
    await executions.submit(samplePayload(), { idempotencyKey: 'ok' });
    expect(posts(sim).map((r) => r.status)).toEqual([403, 403, 403, 201]);
  });
});

describe('getStatus', () => {
  it('follows an execution from queued to completed', async () => {
    // An hour-long execution stays queued until the test ends it: no guess at how long a busy machine takes.
    const sim = await startSimulator({ lifecycle: { minDurationMs: 3_600_000, msPerMillionRows: 0, failureRate: 0 } });
    const { executions } = simClient(sim);
    const { executionId } = await executions.submit(samplePayload({ maxRows: 500 }), { idempotencyKey: 'a' });
    expect((await executions.getStatus('da-agent-activity', executionId)).status).toBe('queued');
    expect(sim.finishExecution(executionId)).toBe(true);
    const done = await executions.getStatus('da-agent-activity', executionId);
    expect(done).toMatchObject({ executionId, status: 'completed' });
    expect(done.rowsExported).toBeGreaterThan(0);
    expect(done.rowsExported).toBeLessThanOrEqual(500);
    expect(Date.parse(done.endTime!)).toBeGreaterThanOrEqual(Date.parse(done.startTime!));
  });

  it('says clearly when the API has no status lookup', async () => {
    const sim = await startSimulator({ statusEndpoint: false });
    const { executions } = simClient(sim);
    const { executionId } = await executions.submit(samplePayload(), { idempotencyKey: 'a' });
    const error = (await executions.getStatus('da-agent-activity', executionId).catch((e: unknown) => e)) as ApiError;
    expect(error.code).toBe('status-unsupported');
    expect(error.message).toContain('answered 405');
    expect(error.hint).toContain('cxone-exports serve');
  });
});

describe('redaction', () => {
  it('keeps the client secret and the bearer token out of errors and debug output', async () => {
    const secret = 'Sup3r-S3cret-Client-Value-2026';
    const sim = await startSimulator({
      credentials: {
        clientId: 'client-x',
        clientSecret: secret,
        accessKeyId: 'AK',
        accessKeySecret: 'AKS-secret-value',
      },
      forbiddenDataActions: ['da-x'],
      faults: { serverErrors: { first: 1 } },
    });
    const { executions, debugLines } = simClient(sim);
    const token = await (async () => {
      const response = await rawRequest(`${sim.url}/oauth/token`, {
        method: 'POST',
        json: { grant_type: 'client_credentials', client_id: 'client-x', client_secret: secret },
      });
      return response.body.access_token as string;
    })();
    const errors: unknown[] = [];
    errors.push(
      await executions
        .submit(samplePayload({ dataActionId: 'da-x' }), { idempotencyKey: 'a' })
        .catch((e: unknown) => e),
    );
    sim.expireTokens();
    errors.push(
      await executions.submit(samplePayload({ maxRows: 0 }), { idempotencyKey: 'b' }).catch((e: unknown) => e),
    );
    const wrongEnv = { ...simEnvironment(sim), CXONE_CLIENT_ID: 'client-x', CXONE_CLIENT_SECRET: `${secret}-wrong` };
    const wrong = simClient(sim, {}, { env: wrongEnv });
    errors.push(await wrong.executions.submit(samplePayload(), { idempotencyKey: 'c' }).catch((e: unknown) => e));

    const tokensSeen = (await rawRequest(`${sim.url}/_sim/executions`)).body;
    expect(errors.map((e) => (e as ApiError).code)).toEqual(['forbidden', 'bad-request', 'token-rejected']);
    const everything = [
      ...errors.flatMap((e) => [
        String(e),
        (e as Error).message,
        (e as ApiError).hint ?? '',
        inspect(e, { depth: 10 }),
      ]),
      ...debugLines,
    ].join('\n');
    expect(everything).not.toContain(secret);
    expect(everything).not.toContain(token);
    expect(everything).not.toMatch(/eyJ[\w-]+\.eyJ[\w-]+\.[\w-]{20,}/);
    expect(JSON.stringify(tokensSeen)).not.toContain(secret);
    expect(debugLines.some((line) => line.includes('-> 403 (attempt 2'))).toBe(true);
  });
});
