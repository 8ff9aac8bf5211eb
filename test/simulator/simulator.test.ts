// The simulator is as strict as CXone is described to be: it refuses what CXone would refuse, field by field,
// and it delivers completion callbacks signed the way the receiver checks them.

import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { verifyCallbackSignature } from '../../src/contract/callback-signature.js';
import { rawRequest, samplePayload, startSimulator } from '../support/simulator.js';

async function token(url: string): Promise<string> {
  const response = await rawRequest(`${url}/oauth/token`, {
    method: 'POST',
    json: { grant_type: 'client_credentials', client_id: 'sim-client', client_secret: 'sim-client-secret-demo-only' },
  });
  return response.body.access_token as string;
}

function submit(
  url: string,
  bearer: string,
  body: unknown,
  options: { dataActionId?: string; headers?: Record<string, string> } = {},
) {
  return rawRequest(`${url}/api/v2/dataprep/dataactions/${options.dataActionId ?? 'da-agent-activity'}/executions`, {
    method: 'POST',
    json: body,
    headers: { Authorization: `Bearer ${bearer}`, ...options.headers },
  });
}

const valid = samplePayload() as unknown as Record<string, unknown>;
const withExport = (changes: Record<string, unknown>) => ({
  ...valid,
  export: { ...(valid.export as object), ...changes },
});

describe('simulator: executions', () => {
  it.each([
    ['an empty datasetId', { ...valid, datasetId: '' }, 'datasetId'],
    ['a colon delimiter', withExport({ delimiter: ':' }), 'export.delimiter'],
    ['a delimiter name instead of the character', withExport({ delimiter: 'comma' }), 'export.delimiter'],
    ['a two-character quote', withExport({ quoteCharacter: '""' }), 'export.quoteCharacter'],
    ['an empty escape', withExport({ escapeCharacter: '' }), 'export.escapeCharacter'],
    ['maxRows 0', withExport({ maxRows: 0 }), 'export.maxRows'],
    ['maxRows above 5,000,000', withExport({ maxRows: 5_000_001 }), 'export.maxRows'],
    ['a fractional maxRows', withExport({ maxRows: 10.5 }), 'export.maxRows'],
    ['a string columnAlignment', withExport({ columnAlignment: 'yes' }), 'export.columnAlignment'],
    ['format other than csv', withExport({ format: 'xlsx' }), 'export.format'],
    [
      'sanitizeSpecialCharacters sent to the server',
      withExport({ sanitizeSpecialCharacters: true }),
      'export.sanitizeSpecialCharacters',
    ],
    ['an unknown top-level field', { ...valid, priority: 'high' }, 'priority'],
    ['a dataActionId other than the path', { ...valid, dataActionId: 'da-other' }, 'dataActionId'],
  ])('answers 400 naming the field for %s', async (_name, body, field) => {
    const sim = await startSimulator();
    const response = await submit(sim.url, await token(sim.url), body);
    expect(response.status).toBe(400);
    expect(response.body).toMatchObject({ error: 'invalid_request', field });
    expect(sim.record().executions).toHaveLength(0);
  });

  it('answers 400 for a body that is not JSON, and 415 for another content type', async () => {
    const sim = await startSimulator();
    const bearer = await token(sim.url);
    const url = `${sim.url}/api/v2/dataprep/dataactions/da-agent-activity/executions`;
    expect(
      (
        await rawRequest(url, {
          method: 'POST',
          body: '{"oops',
          headers: { Authorization: `Bearer ${bearer}`, 'Content-Type': 'application/json' },
        })
      ).status,
    ).toBe(400);
    expect(
      (
        await rawRequest(url, {
          method: 'POST',
          body: 'a=b',
          headers: { Authorization: `Bearer ${bearer}`, 'Content-Type': 'text/plain' },
        })
      ).status,
    ).toBe(415);
  });

  it('answers 401 without a valid bearer token, before looking at the payload', async () => {
    const sim = await startSimulator();
    for (const bearer of ['', 'made-up-token']) {
      const response = await submit(sim.url, bearer, { nonsense: true });
      expect(response.status).toBe(401);
      expect(response.headers.get('www-authenticate')).toContain('invalid_token');
    }
  });

  it('answers 403 and 404 for forbidden and unknown data actions', async () => {
    const sim = await startSimulator({ forbiddenDataActions: ['da-locked'], unknownDataActions: ['da-gone'] });
    const bearer = await token(sim.url);
    expect(
      (await submit(sim.url, bearer, { ...valid, dataActionId: 'da-locked' }, { dataActionId: 'da-locked' })).status,
    ).toBe(403);
    expect(
      (await submit(sim.url, bearer, { ...valid, dataActionId: 'da-gone' }, { dataActionId: 'da-gone' })).status,
    ).toBe(404);
  });

  it('replays the first answer for a reused Idempotency-Key, and refuses it with another body', async () => {
    const sim = await startSimulator();
    const bearer = await token(sim.url);
    const headers = { 'Idempotency-Key': 'k-1' };
    const first = await submit(sim.url, bearer, valid, { headers });
    const replay = await submit(sim.url, bearer, valid, { headers });
    expect(first.status).toBe(201);
    expect(replay.body).toEqual(first.body);
    expect(replay.headers.get('idempotent-replayed')).toBe('true');
    expect((await submit(sim.url, bearer, withExport({ maxRows: 7 }), { headers })).status).toBe(422);
    expect(sim.record().executions).toHaveLength(1);
  });

  it('answers 201 with executionId, status queued and createdAt', async () => {
    const sim = await startSimulator();
    const response = await submit(sim.url, await token(sim.url), valid);
    expect(response.status).toBe(201);
    expect(response.body).toMatchObject({ executionId: expect.stringMatching(/^exe_/) as string, status: 'queued' });
    expect(Number.isNaN(Date.parse(response.body.createdAt as string))).toBe(false);
  });
});

describe('simulator: tokens', () => {
  it('answers 401 invalid_client to bad credentials and 400 to an unknown grant or mixed client auth', async () => {
    const sim = await startSimulator();
    const url = `${sim.url}/oauth/token`;
    expect(
      await rawRequest(url, {
        method: 'POST',
        json: { grant_type: 'client_credentials', client_id: 'sim-client', client_secret: 'nope' },
      }),
    ).toMatchObject({ status: 401, body: { error: 'invalid_client' } });
    expect(
      await rawRequest(url, {
        method: 'POST',
        json: { grant_type: 'implicit', client_id: 'sim-client', client_secret: 'sim-client-secret-demo-only' },
      }),
    ).toMatchObject({ status: 400, body: { error: 'unsupported_grant_type' } });
    const basic = `Basic ${Buffer.from('sim-client:sim-client-secret-demo-only').toString('base64')}`;
    expect(
      await rawRequest(url, {
        method: 'POST',
        json: { grant_type: 'client_credentials', client_id: 'sim-client' },
        headers: { Authorization: basic },
      }),
    ).toMatchObject({ status: 400, body: { error: 'invalid_request' } });
  });

  it('issues a refresh token for the access-key (password) grant, form-encoded with Basic auth', async () => {
    const sim = await startSimulator();
    const basic = `Basic ${Buffer.from('sim-client:sim-client-secret-demo-only').toString('base64')}`;
    const body = new URLSearchParams({
      grant_type: 'password',
      username: 'SIMACCESSKEYDEMO',
      password: 'sim-access-key-secret-demo-only==',
    }).toString();
    const response = await rawRequest(`${sim.url}/auth/token`, {
      method: 'POST',
      body,
      headers: { Authorization: basic, 'Content-Type': 'application/x-www-form-urlencoded' },
    });
    expect(response).toMatchObject({ status: 200, body: { token_type: 'bearer', expires_in: 3600 } });
    expect(response.body.refresh_token).toMatch(/^simr_/);
  });
});

describe('simulator: faults and inspection', () => {
  it('takes fault settings over HTTP and records what it answered', async () => {
    const sim = await startSimulator();
    await rawRequest(`${sim.url}/_sim/faults`, { method: 'POST', json: { serverErrors: { first: 2, status: 502 } } });
    const bearer = await token(sim.url);
    const statuses = [];
    for (let i = 0; i < 3; i++) statuses.push((await submit(sim.url, bearer, valid)).status);
    expect(statuses).toEqual([502, 502, 201]);
    const record = (await rawRequest(`${sim.url}/_sim/executions`)).body as {
      requests: { status: number; dataActionId: string; receivedAt: number; respondedAt: number }[];
    };
    const api = record.requests.filter((r) => r.dataActionId === 'da-agent-activity');
    expect(api.map((r) => r.status)).toEqual([502, 502, 201]);
    expect(api.every((r) => r.respondedAt >= r.receivedAt)).toBe(true);
  });

  it('repeats the same random faults for the same seed', async () => {
    const run = async () => {
      const sim = await startSimulator({ seed: 42, faults: { serverErrors: { rate: 0.5 } } });
      const bearer = await token(sim.url);
      const statuses = [];
      for (let i = 0; i < 12; i++) statuses.push((await submit(sim.url, bearer, valid)).status);
      return statuses;
    };
    const first = await run();
    expect(first).toContain(503);
    expect(first).toContain(201);
    expect(await run()).toEqual(first);
  });
});

describe('simulator: completion callbacks', () => {
  it('posts a signed callback to a loopback callbackUrl when the execution ends', async () => {
    const received: { headers: Record<string, string | string[] | undefined>; body: Buffer }[] = [];
    const receiver = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        received.push({ headers: req.headers, body: Buffer.concat(chunks) });
        res.end('ok');
      });
    });
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    try {
      const port = (receiver.address() as AddressInfo).port;
      const sim = await startSimulator({
        callbackSecret: 'whsec-test',
        lifecycle: { minDurationMs: 30, msPerMillionRows: 0, failureRate: 0 },
      });
      const response = await submit(sim.url, await token(sim.url), {
        ...valid,
        callbackUrl: `http://127.0.0.1:${port}/webhook/cxone-callback`,
      });
      await expect.poll(() => received.length, { timeout: 3000 }).toBe(1);
      const [callback] = received;
      const event = JSON.parse(callback!.body.toString()) as Record<string, unknown>;
      expect(event).toMatchObject({ executionId: response.body.executionId, status: 'completed' });
      expect(event.rowsExported).toBeGreaterThan(0);
      expect(event.rowsExported).toBeLessThanOrEqual(1000);
      const ts = callback!.headers['x-cxone-timestamp'] as string;
      const signature = callback!.headers['x-cxone-signature'] as string;
      expect(
        verifyCallbackSignature(['whsec-test'], ts, signature, callback!.body, Math.floor(Date.now() / 1000)),
      ).toBe(true);
      expect(verifyCallbackSignature(['other'], ts, signature, callback!.body, Math.floor(Date.now() / 1000))).toBe(
        false,
      );
    } finally {
      await new Promise((resolve) => receiver.close(resolve));
    }
  });

  it('delivers again when the receiver answers 503, after the Retry-After it asks for', async () => {
    const answers = [503, 503, 200];
    const received: number[] = [];
    const receiver = createServer((req, res) => {
      req.resume();
      req.on('end', () => {
        const status = answers[received.length] ?? 200;
        received.push(status);
        res.writeHead(status, status === 503 ? { 'Retry-After': '0' } : {}).end();
      });
    });
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    try {
      const port = (receiver.address() as AddressInfo).port;
      const sim = await startSimulator({ lifecycle: { minDurationMs: 10, msPerMillionRows: 0, failureRate: 0 } });
      await submit(sim.url, await token(sim.url), { ...valid, callbackUrl: `http://127.0.0.1:${port}/cb` });
      await expect.poll(() => sim.record().executions[0]?.callback?.settled, { timeout: 5000 }).toBe(true);
      expect(sim.record().executions[0]!.callback).toMatchObject({ attempts: 3, status: 200 });
      expect(received).toEqual([503, 503, 200]);
    } finally {
      await new Promise((resolve) => receiver.close(resolve));
    }
  });

  it('delivers to the URL with its token, and never shows the token in its records', async () => {
    const paths: string[] = [];
    const receiver = createServer((req, res) => {
      paths.push(req.url ?? '');
      req.resume();
      req.on('end', () => res.end('ok'));
    });
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    try {
      const port = (receiver.address() as AddressInfo).port;
      const sim = await startSimulator({ lifecycle: { minDurationMs: 10, msPerMillionRows: 0, failureRate: 0 } });
      const secret = 'the-real-callback-token-4711';
      await submit(sim.url, await token(sim.url), {
        ...valid,
        callbackUrl: `http://localhost:${port}/cb?token=${secret}`,
      });
      await expect.poll(() => sim.record().executions[0]?.callback?.settled, { timeout: 5000 }).toBe(true);
      expect(paths).toEqual([`/cb?token=${secret}`]);
      const shown = await rawRequest(`${sim.url}/_sim/executions`);
      expect(shown.status).toBe(200);
      expect(JSON.stringify(shown.body)).not.toContain(secret);
      expect(JSON.stringify(sim.record())).not.toContain(secret);
      expect(sim.record().executions[0]!.callbackUrl).toBe(`http://localhost:${port}/cb?token=***`);
    } finally {
      await new Promise((resolve) => receiver.close(resolve));
    }
  });

  it('calls a loopback name only where it resolves to loopback', async () => {
    const sim = await startSimulator({ lifecycle: { minDurationMs: 10, msPerMillionRows: 0, failureRate: 0 } });
    // A *.localhost name is loopback by its name alone; here nothing resolves it, so nothing is sent.
    await submit(sim.url, await token(sim.url), { ...valid, callbackUrl: 'http://nowhere.cxone-test.localhost:9/cb' });
    await expect
      .poll(() => sim.record().executions[0]?.callback?.skipped, { timeout: 2000 })
      .toMatch(/^not a loopback http address: nowhere\.cxone-test\.localhost does not resolve/);
  });

  it('never calls a non-loopback callbackUrl', async () => {
    const sim = await startSimulator({ lifecycle: { minDurationMs: 10, msPerMillionRows: 0, failureRate: 0 } });
    await submit(sim.url, await token(sim.url), { ...valid, callbackUrl: 'https://hooks.example.com/cb' });
    await expect
      .poll(() => sim.record().executions[0]?.callback?.skipped, { timeout: 2000 })
      .toBe('not a loopback http address');
  });
});
