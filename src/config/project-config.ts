// The project config as the rest of the program sees it: every default applied, every path absolute.

import type { DelimiterName, FormatDefaults } from '../contract/export-format.js';

export type AuthFlow = 'client_credentials' | 'access_key';

export interface ProjectConfig {
  /** The config file, or null when none was found and built-in defaults apply. */
  configFile: string | null;
  /** The directory relative paths in the config resolve against: the config file's, or the working directory. */
  rootDir: string;
  exportsDir: string;
  stateDir: string;
  authUrl: string;
  apiUrl: string;
  api: {
    /** Template with {dataActionId} and {executionId}. */
    statusPath: string;
  };
  auth: {
    flow: AuthFlow;
    tokenRequest: 'json' | 'form';
    clientAuth: 'body' | 'basic';
    scope: string | undefined;
  };
  limits: {
    maxRows: number;
    delimiters: DelimiterName[];
  };
  defaults: {
    callbackUrl: string | undefined;
    format: Partial<FormatDefaults>;
  };
  apply: {
    concurrency: number;
    spacingMs: number;
    maxRequestsPerSecond: number | undefined;
    maxAttempts: number;
    timeoutMs: number;
    backoff: { baseMs: number; capMs: number };
    circuitBreaker: { failureThreshold: number; cooldownMs: number };
  };
  callbacks: {
    host: string;
    port: number;
    path: string;
  };
  /** Where the state lives; the local files under stateDir unless the config names another backend. */
  backend: BackendConfig;
}

/** The state backend: local files under stateDir, or a schema and state name in PostgreSQL. */
export type BackendConfig =
  { type: 'local' } | { type: 'pg'; schema: string; stateName: string; skipSchemaCreation: boolean };
