// Wires the CXone client from the project config and the environment: credentials, tokens, breakers, retries.

import type { Clock } from '../clock.js';
import type { ProjectConfig } from '../config/project-config.js';
import { CircuitBreakers } from './circuit-breakers.js';
import { credentialsFromEnvironment } from './credentials.js';
import { ExecutionsClient } from './executions-client.js';
import type { ExecutionsClientOptions } from './executions-client.js';
import type { RetrySettings } from './retry-policy.js';
import { proxyConfigured } from './keep-alive-adapter.js';
import { TokenManager } from './token-manager.js';

export interface CxoneClient {
  tokens: TokenManager;
  executions: ExecutionsClient;
}

export interface CreateClientOptions {
  env: Readonly<Record<string, string | undefined>>;
  debug?: (line: string) => void;
  clock: Clock;
  random?: () => number;
  beforeAttempt?: ExecutionsClientOptions['beforeAttempt'];
  onRetry?: ExecutionsClientOptions['onRetry'];
}

export function retrySettingsFrom(config: ProjectConfig, random: () => number = Math.random): RetrySettings {
  return {
    maxAttempts: config.apply.maxAttempts,
    baseMs: config.apply.backoff.baseMs,
    capMs: config.apply.backoff.capMs,
    maxRetryAfterMs: 5 * 60_000,
    random,
  };
}

export function createCxoneClient(config: ProjectConfig, options: CreateClientOptions): CxoneClient {
  const retry = retrySettingsFrom(config, options.random);
  const optional = {
    proxied: proxyConfigured(options.env),
    ...(options.debug === undefined ? {} : { debug: options.debug }),
    clock: options.clock,
  };
  const tokens = new TokenManager({
    authUrl: config.authUrl,
    auth: config.auth,
    credentials: credentialsFromEnvironment(config.auth.flow, options.env, config.environment.credentialVariables),
    timeoutMs: config.apply.timeoutMs,
    retry,
    ...optional,
  });
  const executions = new ExecutionsClient({
    apiUrl: config.apiUrl,
    tokens,
    breakers: new CircuitBreakers(config.apply.circuitBreaker, options.clock),
    retry,
    timeoutMs: config.apply.timeoutMs,
    statusPath: config.api.statusPath,
    ...optional,
    ...(options.beforeAttempt === undefined ? {} : { beforeAttempt: options.beforeAttempt }),
    ...(options.onRetry === undefined ? {} : { onRetry: options.onRetry }),
  });
  return { tokens, executions };
}
