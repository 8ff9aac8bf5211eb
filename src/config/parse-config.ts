// Pure half of config handling: raw config data (from any file form) plus the environment in, a complete
// ProjectConfig or a list of positioned problems out.

import { isAbsolute, resolve } from 'node:path';
import { callbackUrlProblem } from '../contract/callback-url.js';
import { DELIMITER_NAMES, HARD_MAX_ROWS } from '../contract/export-format.js';
import type { DelimiterName, FormatDefaults } from '../contract/export-format.js';
import { compareDiagnostics } from '../diagnostics/diagnostic.js';
import type { Diagnostic, SourcePosition } from '../diagnostics/diagnostic.js';
import type { JsonPath } from '../diagnostics/json-pointer.js';
import { schemaCheck } from '../diagnostics/schema-validator.js';
import type { LocateTarget } from '../diagnostics/yaml-document.js';
import type { AuthFlow, ProjectConfig } from './project-config.js';

export interface RawConfig {
  /** Absolute path of the config file, or null for built-in defaults. */
  configFile: string | null;
  /** The config file as shown to the user. */
  displayFile: string;
  /** Where relative paths resolve from. */
  rootDir: string;
  value: unknown;
  /** Position of a key or value, when the file form keeps positions (YAML and JSON do, JS does not). */
  locate: (path: JsonPath, target: LocateTarget) => SourcePosition;
}

export type Environment = Readonly<Record<string, string | undefined>>;

export type ConfigResult = { ok: true; config: ProjectConfig } | { ok: false; diagnostics: Diagnostic[] };

const DEFAULT_URLS: Record<AuthFlow, string> = {
  client_credentials: 'https://oauth.us1.cxone.com',
  access_key: 'https://cxone.niceincontact.com',
};

interface RawShape {
  exportsDir?: string;
  stateDir?: string;
  authUrl?: string;
  apiUrl?: string;
  api?: { statusPath?: string };
  auth?: { flow?: AuthFlow; tokenRequest?: 'json' | 'form'; clientAuth?: 'body' | 'basic'; scope?: string };
  limits?: { maxRows?: number; delimiters?: DelimiterName[] };
  defaults?: { callbackUrl?: string; format?: Partial<FormatDefaults> };
  apply?: {
    concurrency?: number;
    spacingMs?: number;
    maxRequestsPerSecond?: number;
    maxAttempts?: number;
    timeoutMs?: number;
    backoff?: { baseMs?: number; capMs?: number };
    circuitBreaker?: { failureThreshold?: number; cooldownMs?: number };
  };
  callbacks?: { host?: string; port?: number; path?: string };
  backend?: { type?: 'local' | 'pg'; schema?: string; stateName?: string; skipSchemaCreation?: boolean };
}

export function parseConfig(raw: RawConfig, env: Environment): ConfigResult {
  const value = raw.value ?? {};
  const problem = (path: JsonPath, target: LocateTarget, message: string, rule: string): Diagnostic => ({
    ...raw.locate(path, target),
    export: null,
    message: `config ${message}`,
    rule,
  });

  const diagnostics = schemaCheck('config')(value).map((p) => problem(p.path, p.target, p.message, p.rule));
  // The checks below guard their own types, so every problem is reported in one round.
  const shape = value as RawShape;

  if (typeof shape.defaults?.callbackUrl === 'string') {
    const why = callbackUrlProblem(shape.defaults.callbackUrl);
    if (why !== undefined)
      diagnostics.push(problem(['defaults', 'callbackUrl'], 'value', `defaults.callbackUrl ${why}`, 'callback-url'));
  }
  const backoff = { baseMs: shape.apply?.backoff?.baseMs ?? 500, capMs: shape.apply?.backoff?.capMs ?? 30_000 };
  if (typeof backoff.capMs === 'number' && typeof backoff.baseMs === 'number' && backoff.capMs < backoff.baseMs) {
    diagnostics.push(
      problem(
        ['apply', 'backoff', 'capMs'],
        'value',
        `apply.backoff.capMs (${backoff.capMs}) must not be below apply.backoff.baseMs (${backoff.baseMs})`,
        'backoff-range',
      ),
    );
  }

  if (shape.backend?.type !== 'pg')
    for (const option of ['schema', 'stateName', 'skipSchemaCreation'] as const)
      if (shape.backend?.[option] !== undefined)
        diagnostics.push(
          problem(
            ['backend', option],
            'key',
            `backend.${option} applies to the pg backend only; this config uses ${shape.backend.type ?? 'local'}`,
            'backend-option',
          ),
        );

  const flow = shape.auth?.flow === 'access_key' ? 'access_key' : 'client_credentials';
  const authUrl = urlFromEnvironment(env, 'CXONE_AUTH_URL', diagnostics) ?? shape.authUrl ?? DEFAULT_URLS[flow];
  const apiUrl = urlFromEnvironment(env, 'CXONE_API_URL', diagnostics) ?? shape.apiUrl ?? 'https://api.us1.cxone.com';
  if (diagnostics.length > 0) return { ok: false, diagnostics: diagnostics.sort(compareDiagnostics) };

  const inRoot = (path: string) => (isAbsolute(path) ? path : resolve(raw.rootDir, path));
  return {
    ok: true,
    config: {
      configFile: raw.configFile,
      rootDir: raw.rootDir,
      exportsDir: inRoot(shape.exportsDir ?? 'exports'),
      stateDir: inRoot(shape.stateDir ?? '.cxone-exports'),
      authUrl: stripTrailingSlash(authUrl),
      apiUrl: stripTrailingSlash(apiUrl),
      api: {
        statusPath: shape.api?.statusPath ?? '/api/v2/dataprep/dataactions/{dataActionId}/executions/{executionId}',
      },
      auth: {
        flow,
        // Real CXone (access keys) speaks RFC 6749 with Basic client auth; the seed's flow speaks JSON.
        tokenRequest: shape.auth?.tokenRequest ?? (flow === 'access_key' ? 'form' : 'json'),
        clientAuth: shape.auth?.clientAuth ?? (flow === 'access_key' ? 'basic' : 'body'),
        scope: shape.auth?.scope,
      },
      limits: {
        maxRows: shape.limits?.maxRows ?? HARD_MAX_ROWS,
        delimiters: shape.limits?.delimiters ?? [...DELIMITER_NAMES],
      },
      defaults: {
        callbackUrl: shape.defaults?.callbackUrl,
        format: shape.defaults?.format ?? {},
      },
      apply: {
        concurrency: shape.apply?.concurrency ?? 4,
        spacingMs: shape.apply?.spacingMs ?? 2_000,
        maxRequestsPerSecond: shape.apply?.maxRequestsPerSecond,
        maxAttempts: shape.apply?.maxAttempts ?? 5,
        timeoutMs: shape.apply?.timeoutMs ?? 30_000,
        backoff,
        circuitBreaker: {
          failureThreshold: shape.apply?.circuitBreaker?.failureThreshold ?? 5,
          cooldownMs: shape.apply?.circuitBreaker?.cooldownMs ?? 60_000,
        },
      },
      callbacks: {
        host: shape.callbacks?.host ?? '127.0.0.1',
        port: shape.callbacks?.port ?? 8080,
        path: shape.callbacks?.path ?? '/webhook/cxone-callback',
      },
      backend:
        shape.backend?.type === 'pg'
          ? {
              type: 'pg',
              schema: shape.backend.schema ?? 'cxone_exports',
              stateName: shape.backend.stateName ?? 'default',
              skipSchemaCreation: shape.backend.skipSchemaCreation ?? false,
            }
          : { type: 'local' },
    },
  };
}

function urlFromEnvironment(env: Environment, name: string, diagnostics: Diagnostic[]): string | undefined {
  const value = env[name];
  if (value === undefined || value === '') return undefined;
  let ok = false;
  try {
    ok = ['http:', 'https:'].includes(new URL(value).protocol);
  } catch {
    ok = false;
  }
  if (!ok) {
    diagnostics.push({
      file: `$${name}`,
      line: 1,
      column: 1,
      export: null,
      message: `environment variable ${name} must be an http(s) URL such as https://api.us1.cxone.com, not ${JSON.stringify(value)}`,
      rule: 'env-url',
    });
    return undefined;
  }
  return value;
}

function stripTrailingSlash(url: string): string {
  return url.replace(/\/+$/, '');
}
