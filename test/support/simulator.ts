// Test wiring for the CXone client against the real simulator on loopback: no HTTP mocks of our own client.

import { systemClock } from '../../src/clock.js';
import { onTestFinished } from 'vitest';
import type { ProjectConfig } from '../../src/config/project-config.js';
import { buildExecutionPayload } from '../../src/contract/execution-payload.js';
import type { ExecutionPayload } from '../../src/contract/execution-payload.js';
import { createCxoneClient } from '../../src/cxone/create-client.js';
import type { CreateClientOptions } from '../../src/cxone/create-client.js';
import { CxoneSimulator } from '../../src/simulator/cxone-simulator.js';
import type { SimulatorOptions } from '../../src/simulator/simulator-options.js';
import { testConfig } from './fixtures.js';

/** A started simulator, stopped after the test. */
export async function startSimulator(overrides: Partial<SimulatorOptions> = {}): Promise<CxoneSimulator> {
  const sim = new CxoneSimulator({
    lifecycle: { minDurationMs: 20, msPerMillionRows: 20, failureRate: 0 },
    ...overrides,
  });
  // Stopped when the test that started it finishes, passed or failed. (A hook of this module's own ran for the
  // first test file of a worker only: workers keep their modules from one file to the next.)
  onTestFinished(() => sim.stop());
  await sim.start();
  return sim;
}

export function simEnvironment(sim: CxoneSimulator): Record<string, string> {
  const { credentials } = sim.options;
  return {
    CXONE_AUTH_URL: sim.url,
    CXONE_API_URL: sim.url,
    CXONE_CLIENT_ID: credentials.clientId,
    CXONE_CLIENT_SECRET: credentials.clientSecret,
    CXONE_ACCESS_KEY_ID: credentials.accessKeyId,
    CXONE_ACCESS_KEY_SECRET: credentials.accessKeySecret,
  };
}

/** Config for fast tests: small backoff, small breaker, short timeouts; raw overrides merge in. */
export function simConfig(sim: CxoneSimulator, raw: Record<string, unknown> = {}): ProjectConfig {
  const apply = {
    maxAttempts: 4,
    timeoutMs: 2000,
    backoff: { baseMs: 10, capMs: 50 },
    circuitBreaker: { failureThreshold: 5, cooldownMs: 1000 },
    ...((raw.apply as object | undefined) ?? {}),
  };
  return testConfig({ ...raw, apply }, simEnvironment(sim));
}

export function simClient(
  sim: CxoneSimulator,
  raw: Record<string, unknown> = {},
  options: Partial<CreateClientOptions> = {},
) {
  const debugLines: string[] = [];
  const client = createCxoneClient(simConfig(sim, raw), {
    env: simEnvironment(sim),
    debug: (line) => debugLines.push(line),
    clock: systemClock,
    ...options,
  });
  return { ...client, debugLines };
}

export function samplePayload(
  overrides: { dataActionId?: string; maxRows?: number; callbackUrl?: string } = {},
): ExecutionPayload {
  return buildExecutionPayload({
    dataActionId: overrides.dataActionId ?? 'da-agent-activity',
    datasetId: 'ds-agent-activity',
    format: {
      delimiter: ',',
      quoteCharacter: '"',
      escapeCharacter: '"',
      maxRows: overrides.maxRows ?? 1000,
      columnAlignment: true,
    },
    ...(overrides.callbackUrl === undefined ? {} : { callbackUrl: overrides.callbackUrl }),
  });
}

export async function rawRequest(
  url: string,
  init: RequestInit & { json?: unknown } = {},
): Promise<{ status: number; body: Record<string, unknown>; headers: Headers }> {
  const { json, ...rest } = init;
  const response = await fetch(url, {
    ...rest,
    ...(json === undefined
      ? {}
      : {
          body: JSON.stringify(json),
          headers: { 'Content-Type': 'application/json', ...(rest.headers as Record<string, string> | undefined) },
        }),
  });
  const text = await response.text();
  return {
    status: response.status,
    body: text === '' ? {} : (JSON.parse(text) as Record<string, unknown>),
    headers: response.headers,
  };
}
