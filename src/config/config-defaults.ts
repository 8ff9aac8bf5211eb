// Every default of the config file, in one table: parseConfig takes its values from here, the schema's
// `default` keywords are these values (src/config/config-defaults.test.ts holds them equal), and the reference's
// default column shows them.

import { DELIMITER_NAMES, HARD_MAX_ROWS } from '../contract/export-format.js';

/** The defaults that are one value, by the key's path as the config file writes it. */
export const CONFIG_DEFAULTS = {
  exportsDir: 'exports',
  stateDir: '.cxone-exports',
  apiUrl: 'https://api.us1.cxone.com',
  'api.statusPath': '/api/v2/dataprep/dataactions/{dataActionId}/executions/{executionId}',
  'auth.flow': 'client_credentials',
  'limits.maxRows': HARD_MAX_ROWS,
  'limits.delimiters': DELIMITER_NAMES,
  'limits.minScheduleInterval': '15m',
  'limits.staleGrace': '1h',
  'limits.lostAfter': '24h',
  'apply.concurrency': 4,
  'apply.spacingMs': 2_000,
  'apply.maxAttempts': 5,
  'apply.timeoutMs': 30_000,
  'apply.backoff.baseMs': 500,
  'apply.backoff.capMs': 30_000,
  'apply.circuitBreaker.failureThreshold': 5,
  'apply.circuitBreaker.cooldownMs': 60_000,
  'runs.parallel': 16,
  'callbacks.host': '127.0.0.1',
  'callbacks.port': 8080,
  'callbacks.path': '/webhook/cxone-callback',
  'callbacks.metricsHost': '127.0.0.1',
  'callbacks.pageUrl': 'http://127.0.0.1:8080',
  'backend.type': 'local',
  'backend.schema': 'cxone_exports',
  'backend.skipSchemaCreation': false,
  'backend.statementTimeout': '30s',
  'backend.lockLease': '60s',
} as const;

/** The token endpoint's base URL for each flow, unless authUrl (or CXONE_AUTH_URL) names one. */
export const DEFAULT_AUTH_URLS = {
  client_credentials: 'https://oauth.us1.cxone.com',
  access_key: 'https://cxone.niceincontact.com',
} as const;

/**
 * The defaults that follow from another key, as the reference states them: no one value could stand in the
 * schema's `default` keyword for these.
 */
export const DERIVED_DEFAULTS: Record<string, string> = {
  authUrl: `${DEFAULT_AUTH_URLS.client_credentials} (client_credentials), ${DEFAULT_AUTH_URLS.access_key} (access_key)`,
  'auth.tokenRequest': 'json (client_credentials), form (access_key)',
  'auth.clientAuth': 'body (client_credentials), basic (access_key)',
  'backend.stateName': 'the environment’s name, or default without environments',
  'environments.<name>.credentials.clientId': 'CXONE_<ENVIRONMENT>_CLIENT_ID',
  'environments.<name>.credentials.clientSecret': 'CXONE_<ENVIRONMENT>_CLIENT_SECRET',
  'environments.<name>.credentials.accessKeyId': 'CXONE_<ENVIRONMENT>_ACCESS_KEY_ID',
  'environments.<name>.credentials.accessKeySecret': 'CXONE_<ENVIRONMENT>_ACCESS_KEY_SECRET',
};
