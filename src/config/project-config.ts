// The project config as the rest of the program sees it: every default applied, every path absolute.

import type { DelimiterName, FormatDefaults } from '../contract/export-format.js';
import type { PolicyRule } from './policy-rule.js';

export type AuthFlow = 'client_credentials' | 'access_key';

/** The implicit environment of a config that defines none. */
export const DEFAULT_ENVIRONMENT = 'default';

export interface ProjectConfig {
  /** The config file, or null when none was found and built-in defaults apply. */
  configFile: string | null;
  /** The directory relative paths in the config resolve against: the config file's, or the working directory. */
  rootDir: string;
  exportsDir: string;
  stateDir: string;
  /** What may be thrown away: the definition cache. Shared by every environment, never committed. */
  cacheDir: string;
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
    /** The shortest gap a schedule may leave between two runs (`limits.minScheduleInterval`, default 15m). */
    minScheduleIntervalMs: number;
    /** How long past a tick's starting deadline a run may take to complete before it is stale (default 1h). */
    staleGraceMs: number;
    /** How long an execution may answer 404 to the status lookup before it is recorded lost (default 24h). */
    lostAfterMs: number;
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
  /** The policies that judge this environment's plans (docs/guides/policies.md); none: no policy step. */
  policies: PolicyRule[];
  /** How a command runs across several environments: the repository's, the same in every environment. */
  runs: {
    parallel: number;
    maxEnvironments: number | undefined;
  };
  callbacks: {
    host: string;
    port: number;
    path: string;
    /** serve's own listener for /metrics, when metricsPort is set. */
    metricsHost: string;
    metricsPort?: number;
    /** Where people open the status page; alert links are built from it. */
    pageUrl: string;
  };
  /** Where the state lives; the local files under stateDir unless the config names another backend. */
  backend: BackendConfig;
  /** Which environment this config is for, and what belongs to it alone. */
  environment: EnvironmentConfig;
}

/** The environment a command works in: its name, its credentials' variables, its guards. */
export interface EnvironmentConfig {
  /**
   * The environment chosen with --env; `default` when the config defines none; undefined when it defines some
   * and none was chosen (commands that read a state or call CXone then refuse to start).
   */
  name: string | undefined;
  /** The environments the config defines, in its order; empty when it defines none. */
  names: string[];
  tenantId: string | undefined;
  promoteFrom: string | undefined;
  /** The names of the environment variables holding this environment's credentials. */
  credentialVariables: CredentialVariables;
  /** Where apiUrl and authUrl came from, so a leftover variable in a shell is shown, not silently obeyed. */
  urlSources: { apiUrl: UrlSource; authUrl: UrlSource };
  /** CXONE_API_URL or CXONE_AUTH_URL set in the shell but not obeyed, because the environment names its own URL. */
  ignoredVariables: ('CXONE_API_URL' | 'CXONE_AUTH_URL')[];
}

export interface CredentialVariables {
  clientId: string;
  clientSecret: string;
  accessKeyId: string;
  accessKeySecret: string;
}

/** `config`, `default`, or the name of the environment variable that set the URL. */
export type UrlSource = 'config' | 'default' | 'CXONE_API_URL' | 'CXONE_AUTH_URL';

/** The state backend: local files under stateDir, or a schema and state name in PostgreSQL. */
export type BackendConfig =
  | { type: 'local' }
  | {
      type: 'pg';
      schema: string;
      stateName: string;
      skipSchemaCreation: boolean;
      /** The longest any statement may run or wait (for a locked table) before the command stops saying so. */
      statementTimeoutMs: number;
      /** How long the lock's lease lasts unless its holder renews it. */
      lockLeaseMs: number;
    };
