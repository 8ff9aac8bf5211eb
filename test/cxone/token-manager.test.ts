// Tokens against the real simulator: every flow and encoding, caching, and one refresh for many callers.

import { systemClock } from '../../src/clock.js';
import { testClock } from '../support/test-clock.js';
import { describe, expect, it } from 'vitest';
import { ApiError } from '../../src/cxone/api-error.js';
import { credentialsFromEnvironment } from '../../src/cxone/credentials.js';
import { TokenManager } from '../../src/cxone/token-manager.js';
import { UsageError } from '../../src/errors.js';
import { samplePayload, simClient, simConfig, simEnvironment, startSimulator } from '../support/simulator.js';

const retry = { maxAttempts: 3, baseMs: 5, capMs: 20, maxRetryAfterMs: 60_000, random: () => 1 };

describe('TokenManager against the simulator', () => {
  it.each([
    ['client_credentials', 'json', 'body'],
    ['client_credentials', 'form', 'body'],
    ['client_credentials', 'json', 'basic'],
    ['client_credentials', 'form', 'basic'],
    ['access_key', 'form', 'basic'],
    ['access_key', 'json', 'body'],
  ] as const)('gets a token with flow %s, %s body, %s client auth', async (flow, tokenRequest, clientAuth) => {
    const sim = await startSimulator();
    const config = simConfig(sim, { auth: { flow, tokenRequest, clientAuth } });
    const tokens = new TokenManager({
      authUrl: config.authUrl,
      auth: config.auth,
      credentials: credentialsFromEnvironment(flow, simEnvironment(sim)),
      timeoutMs: 2000,
      retry,
      clock: systemClock,
    });
    expect(await tokens.getToken()).toMatch(/^eyJ[\w-]+\.eyJ[\w-]+\.[\w-]+$/);
    const [request] = sim.record().requests;
    expect(request).toMatchObject({
      method: 'POST',
      path: flow === 'access_key' ? '/auth/token' : '/oauth/token',
      status: 200,
      headers: { 'content-type': tokenRequest === 'form' ? 'application/x-www-form-urlencoded' : 'application/json' },
      body: { grant_type: flow === 'access_key' ? 'password' : 'client_credentials', clientAuth },
    });
    if (clientAuth === 'basic') expect(request!.headers.authorization).toBe('Basic ***');
  });

  it('serves 100 submissions with one token', async () => {
    const sim = await startSimulator();
    const { executions, tokens } = simClient(sim);
    await Promise.all(
      Array.from({ length: 100 }, (_, i) => executions.submit(samplePayload(), { idempotencyKey: `key-${i}` })),
    );
    expect(tokens.fetches).toBe(1);
    expect(sim.record().tokensIssued).toBe(1);
    expect(sim.record().executions).toHaveLength(100);
  });

  it('renews an expired token once for 100 concurrent callers', async () => {
    const sim = await startSimulator({ tokenTtlSeconds: 3600 });
    const clock = testClock();
    const { executions, tokens } = simClient(sim, {}, { clock });
    await executions.submit(samplePayload(), { idempotencyKey: 'first' });
    clock.advance(3600 * 1000); // past expiry (and its safety margin) on our clock
    await Promise.all(
      Array.from({ length: 100 }, (_, i) => executions.submit(samplePayload(), { idempotencyKey: `key-${i}` })),
    );
    expect(tokens.fetches).toBe(2);
    expect(sim.record().requests.filter((r) => r.path === '/oauth/token')).toHaveLength(2);
  });

  it('renews before expiry, by the safety margin', async () => {
    const sim = await startSimulator({ tokenTtlSeconds: 120 });
    const clock = testClock(0);
    const config = simConfig(sim);
    const tokens = new TokenManager({
      authUrl: config.authUrl,
      auth: config.auth,
      credentials: credentialsFromEnvironment('client_credentials', simEnvironment(sim)),
      timeoutMs: 2000,
      retry,
      clock,
      marginMs: 60_000,
    });
    const first = await tokens.getToken();
    clock.advance(59_000);
    expect(await tokens.getToken()).toBe(first);
    clock.advance(1_001);
    expect(await tokens.getToken()).not.toBe(first);
  });

  it('names the variables to check when the client credentials are refused', async () => {
    const sim = await startSimulator();
    const env = { ...simEnvironment(sim), CXONE_CLIENT_SECRET: 'wrong-secret-value' };
    const config = simConfig(sim);
    const tokens = new TokenManager({
      authUrl: config.authUrl,
      auth: config.auth,
      credentials: credentialsFromEnvironment('client_credentials', env),
      timeoutMs: 2000,
      retry,
      clock: systemClock,
    });
    const error = (await tokens.getToken().catch((e: unknown) => e)) as ApiError;
    expect(error).toBeInstanceOf(ApiError);
    expect(error.code).toBe('token-rejected');
    expect(error.message).toContain('(401 invalid_client)');
    expect(error.hint).toContain('CXONE_CLIENT_ID and CXONE_CLIENT_SECRET');
    expect(`${error.message} ${error.hint}`).not.toContain('wrong-secret-value');
    expect(sim.record().requests).toHaveLength(1);
  });

  it('explains a wrong access key and an unknown grant', async () => {
    const sim = await startSimulator();
    const config = simConfig(sim, { auth: { flow: 'access_key' } });
    const env = { ...simEnvironment(sim), CXONE_ACCESS_KEY_SECRET: 'not-the-key-secret' };
    const tokens = new TokenManager({
      authUrl: config.authUrl,
      auth: config.auth,
      credentials: credentialsFromEnvironment('access_key', env),
      timeoutMs: 2000,
      retry,
      clock: systemClock,
    });
    const error = (await tokens.getToken().catch((e: unknown) => e)) as ApiError;
    expect(error.message).toContain('400 invalid_grant');
    expect(error.hint).toContain('CXONE_ACCESS_KEY_ID and CXONE_ACCESS_KEY_SECRET');
  });

  it('refuses to start without credentials, naming each missing variable', () => {
    expect(() => credentialsFromEnvironment('access_key', { CXONE_CLIENT_ID: 'x' })).toThrow(UsageError);
    expect(() => credentialsFromEnvironment('access_key', { CXONE_CLIENT_ID: 'x' })).toThrow(
      'set CXONE_CLIENT_SECRET, CXONE_ACCESS_KEY_ID, CXONE_ACCESS_KEY_SECRET',
    );
  });
});
