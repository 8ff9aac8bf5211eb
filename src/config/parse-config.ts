// Pure half of config handling: raw config data (from any file form) plus the environment in, a complete
// ProjectConfig or a list of positioned problems out.

import { isAbsolute, join, resolve } from 'node:path';
import { callbackUrlProblem } from '../contract/callback-url.js';
import { DELIMITER_NAMES, HARD_MAX_ROWS } from '../contract/export-format.js';
import type { DelimiterName, FormatDefaults } from '../contract/export-format.js';
import { compareDiagnostics } from '../diagnostics/diagnostic.js';
import type { Diagnostic, SourcePosition } from '../diagnostics/diagnostic.js';
import type { JsonPath } from '../diagnostics/json-pointer.js';
import { schemaCheck } from '../diagnostics/schema-validator.js';
import type { SchemaProblem } from '../diagnostics/schema-validator.js';
import type { LocateTarget } from '../diagnostics/yaml-document.js';
import { durationMs } from '../schedules/duration.js';
import { closestMatch } from '../diagnostics/did-you-mean.js';
import { overlay, valueAt } from './overlay.js';
import { DEFAULT_ENVIRONMENT } from './project-config.js';
import type { AuthFlow, CredentialVariables, ProjectConfig, UrlSource } from './project-config.js';
import type { RuleCode } from '../diagnostics/rule-codes.js';

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
  limits?: {
    maxRows?: number;
    delimiters?: DelimiterName[];
    minScheduleInterval?: string;
    staleGrace?: string;
    lostAfter?: string;
  };
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
  callbacks?: { host?: string; port?: number; path?: string; metricsHost?: string; metricsPort?: number };
  backend?: {
    type?: 'local' | 'pg';
    schema?: string;
    stateName?: string;
    skipSchemaCreation?: boolean;
    statementTimeout?: string;
    lockLease?: string;
  };
  environments?: Record<string, RawEnvironment>;
}

/** What an environment may set: any top-level setting (it wins), and what is its own. */
type RawEnvironment = Partial<Pick<RawShape, (typeof ENVIRONMENT_KEYS)[number]>> & {
  tenantId?: string;
  promoteFrom?: string;
  credentials?: Partial<CredentialVariables>;
};

/** The top-level keys an environment may set for itself. */
const ENVIRONMENT_KEYS = [
  'authUrl',
  'apiUrl',
  'api',
  'auth',
  'limits',
  'defaults',
  'apply',
  'callbacks',
  'backend',
] as const;

/** The schema a pg backend's tables live in unless the config names another. */
export const DEFAULT_PG_SCHEMA = 'cxone_exports';

/** The schema's problems with a config as read, found once however many environments are made from it. */
const schemaProblemsOf = new WeakMap<object, SchemaProblem[]>();

function schemaProblems(value: unknown): SchemaProblem[] {
  if (typeof value !== 'object' || value === null) return schemaCheck('config')(value);
  let problems = schemaProblemsOf.get(value);
  if (problems === undefined) {
    problems = schemaCheck('config')(value);
    schemaProblemsOf.set(value, problems);
  }
  return problems;
}

/**
 * The config for `environmentName` (from --env or CXONE_EXPORTS_ENV): the environment's settings merged over the
 * top level (maps merge, values replace). Without a name, a config that defines environments yields its top
 * level with `environment.name` undefined, for the commands that need none (validate checks every environment).
 */
export function parseConfig(raw: RawConfig, env: Environment, environmentName?: string): ConfigResult {
  const value = raw.value ?? {};
  const top = value as RawShape;
  const names = top.environments !== null && typeof top.environments === 'object' ? Object.keys(top.environments) : [];
  const chosen = environmentName ?? (names.length === 0 ? DEFAULT_ENVIRONMENT : undefined);
  const own = chosen === undefined ? undefined : top.environments?.[chosen];
  // Where a merged value was written: in the environment's section when it sets it, else at the top level.
  const source = (path: JsonPath): JsonPath =>
    own !== undefined && valueAt(own, path) !== undefined ? ['environments', chosen!, ...path] : path;
  const problem = (path: JsonPath, target: LocateTarget, message: string, rule: RuleCode): Diagnostic => ({
    ...raw.locate(path, target),
    export: null,
    message: `config ${message}`,
    rule,
  });

  const diagnostics = schemaProblems(value).map((p) => problem(p.path, p.target, p.message, p.rule));
  const unknown = environmentProblem(names, chosen);
  if (unknown !== undefined) return { ok: false, diagnostics: [unknown] };
  for (const [name, section] of Object.entries(top.environments ?? {})) {
    const from = section?.promoteFrom;
    if (typeof from === 'string' && !names.includes(from))
      diagnostics.push(
        problem(
          ['environments', name, 'promoteFrom'],
          'value',
          `environments.${name}.promoteFrom names ${from}, which is not an environment of this config${didYouMean(from, names)}`,
          'environment-name',
        ),
      );
  }
  // The checks below guard their own types, so every problem is reported in one round.
  const shape = mergeEnvironment(top, own);

  if (typeof shape.defaults?.callbackUrl === 'string') {
    const why = callbackUrlProblem(shape.defaults.callbackUrl);
    if (why !== undefined)
      diagnostics.push(
        problem(source(['defaults', 'callbackUrl']), 'value', `defaults.callbackUrl ${why}`, 'callback-url'),
      );
  }
  const backoff = { baseMs: shape.apply?.backoff?.baseMs ?? 500, capMs: shape.apply?.backoff?.capMs ?? 30_000 };
  if (typeof backoff.capMs === 'number' && typeof backoff.baseMs === 'number' && backoff.capMs < backoff.baseMs) {
    diagnostics.push(
      problem(
        source(['apply', 'backoff', 'capMs']),
        'value',
        `apply.backoff.capMs (${backoff.capMs}) must not be below apply.backoff.baseMs (${backoff.baseMs})`,
        'backoff-range',
      ),
    );
  }

  if (shape.backend?.type !== 'pg')
    for (const option of ['schema', 'stateName', 'skipSchemaCreation', 'statementTimeout', 'lockLease'] as const)
      if (shape.backend?.[option] !== undefined)
        diagnostics.push(
          problem(
            source(['backend', option]),
            'key',
            `backend.${option} applies to the pg backend only; this config uses ${shape.backend.type ?? 'local'}`,
            'backend-option',
          ),
        );

  diagnostics.push(...sharedStateProblems(top, names, problem));
  // PostgreSQL's own schemas are never the backend's: their tables are the system's, or vanish with a session.
  const pgSchema = shape.backend?.schema;
  if (typeof pgSchema === 'string' && (pgSchema.startsWith('pg_') || pgSchema === 'information_schema'))
    diagnostics.push(
      problem(
        source(['backend', 'schema']),
        'value',
        `backend.schema ${pgSchema} is a system schema of PostgreSQL; name a schema of this tool's own, such as cxone_exports`,
        'backend-schema',
      ),
    );

  const flow = shape.auth?.flow === 'access_key' ? 'access_key' : 'client_credentials';
  // A URL in the environment's own section is that tenant's: a variable left in a shell never redirects it (a
  // sandbox token sent to production's API). The variables stand in for the top level only.
  const ownsUrl = (key: 'authUrl' | 'apiUrl') => own?.[key] !== undefined;
  const ignoredVariables = (
    [
      ['authUrl', 'CXONE_AUTH_URL'],
      ['apiUrl', 'CXONE_API_URL'],
    ] as const
  )
    .filter(([key, variable]) => ownsUrl(key) && nonEmptyVariable(env, variable))
    .map(([, variable]) => variable);
  const authFromEnv = ownsUrl('authUrl') ? undefined : urlFromEnvironment(env, 'CXONE_AUTH_URL', diagnostics);
  const apiFromEnv = ownsUrl('apiUrl') ? undefined : urlFromEnvironment(env, 'CXONE_API_URL', diagnostics);
  const authUrl = authFromEnv ?? shape.authUrl ?? DEFAULT_URLS[flow];
  const apiUrl = apiFromEnv ?? shape.apiUrl ?? 'https://api.us1.cxone.com';
  const urlSource = (fromEnv: string | undefined, variable: UrlSource, configured: string | undefined): UrlSource =>
    fromEnv !== undefined ? variable : configured !== undefined ? 'config' : 'default';
  if (diagnostics.length > 0) return { ok: false, diagnostics: diagnostics.sort(compareDiagnostics) };

  const inRoot = (path: string) => (isAbsolute(path) ? path : resolve(raw.rootDir, path));
  return {
    ok: true,
    config: {
      configFile: raw.configFile,
      rootDir: raw.rootDir,
      exportsDir: inRoot(shape.exportsDir ?? 'exports'),
      // Each environment keeps its own local state, in a folder of its own.
      stateDir:
        names.length === 0 || chosen === undefined
          ? inRoot(shape.stateDir ?? '.cxone-exports')
          : join(inRoot(shape.stateDir ?? '.cxone-exports'), chosen),
      // Dot-named: no environment's folder can be called that.
      cacheDir: join(inRoot(shape.stateDir ?? '.cxone-exports'), '.cache'),
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
        // The schema admits only durations here.
        minScheduleIntervalMs: durationMs(shape.limits?.minScheduleInterval ?? '15m')!,
        staleGraceMs: durationMs(shape.limits?.staleGrace ?? '1h')!,
        lostAfterMs: durationMs(shape.limits?.lostAfter ?? '24h')!,
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
        metricsHost: shape.callbacks?.metricsHost ?? '127.0.0.1',
        ...(shape.callbacks?.metricsPort === undefined ? {} : { metricsPort: shape.callbacks.metricsPort }),
      },
      backend:
        shape.backend?.type === 'pg'
          ? {
              type: 'pg',
              schema: shape.backend.schema ?? DEFAULT_PG_SCHEMA,
              // Environments never share a state by accident: each gets its own name unless told otherwise.
              stateName: shape.backend.stateName ?? (names.length > 0 && chosen !== undefined ? chosen : 'default'),
              skipSchemaCreation: shape.backend.skipSchemaCreation ?? false,
              // The schema admits only durations here.
              statementTimeoutMs: durationMs(shape.backend.statementTimeout ?? '30s')!,
              lockLeaseMs: durationMs(shape.backend.lockLease ?? '60s')!,
            }
          : { type: 'local' },
      environment: {
        name: chosen,
        names,
        tenantId: own?.tenantId,
        promoteFrom: own?.promoteFrom,
        credentialVariables: credentialVariables(names.length === 0 ? undefined : chosen, own?.credentials),
        urlSources: {
          apiUrl: urlSource(apiFromEnv, 'CXONE_API_URL', shape.apiUrl),
          authUrl: urlSource(authFromEnv, 'CXONE_AUTH_URL', shape.authUrl),
        },
        ignoredVariables,
      },
    },
  };
}

/** An --env that names no environment of the config, as a problem that lists them. */
function environmentProblem(names: string[], chosen: string | undefined): Diagnostic | undefined {
  if (chosen === undefined || names.includes(chosen) || (names.length === 0 && chosen === DEFAULT_ENVIRONMENT))
    return undefined;
  return {
    file: '--env',
    line: 1,
    column: 1,
    export: null,
    rule: 'environment-name',
    message:
      names.length === 0
        ? `--env ${chosen}: this config defines no environments (remove --env, or add environments: to the config)`
        : `--env ${chosen} is not an environment of this config${didYouMean(chosen, names)}; it defines ${names.join(', ')}`,
  };
}

function didYouMean(name: string, names: string[]): string {
  const suggestion = closestMatch(name, names);
  return suggestion === undefined ? '' : ` (did you mean ${suggestion}?)`;
}

/** The environment's settings over the top level: maps merge, values (and lists) replace. */
function mergeEnvironment(top: RawShape, own: RawEnvironment | undefined): RawShape {
  const merged: Record<string, unknown> = { ...top };
  delete merged.environments;
  if (own !== undefined)
    for (const key of ENVIRONMENT_KEYS) if (own[key] !== undefined) merged[key] = overlay(merged[key], own[key]);
  return merged;
}

/**
 * The variables that hold an environment's credentials: as the config names them, else CXONE_<ENVIRONMENT>_…
 * (upper case, `-` as `_`). With no environments defined, today's CXONE_CLIENT_ID and so on; there is no fall-back
 * from an environment's names to those.
 */
function credentialVariables(
  environment: string | undefined,
  named: Partial<CredentialVariables> = {},
): CredentialVariables {
  const prefix = environment === undefined ? 'CXONE_' : `CXONE_${environment.toUpperCase().replace(/-/g, '_')}_`;
  return {
    clientId: named.clientId ?? `${prefix}CLIENT_ID`,
    clientSecret: named.clientSecret ?? `${prefix}CLIENT_SECRET`,
    accessKeyId: named.accessKeyId ?? `${prefix}ACCESS_KEY_ID`,
    accessKeySecret: named.accessKeySecret ?? `${prefix}ACCESS_KEY_SECRET`,
  };
}

/**
 * Two environments whose states resolve to one place (the same PostgreSQL schema and state name: the database
 * comes from the process environment, so one is assumed) would each apply over the other's record, so each is
 * told apart or the config is refused, at the line that makes them meet. Local states are always apart: each
 * environment's is a folder of its own under stateDir.
 */
function sharedStateProblems(
  top: RawShape,
  names: readonly string[],
  problem: (path: JsonPath, target: LocateTarget, message: string, rule: RuleCode) => Diagnostic,
): Diagnostic[] {
  const byLocation = new Map<string, string[]>();
  for (const name of names) {
    const backend = mergeEnvironment(top, top.environments?.[name]).backend;
    if (backend?.type !== 'pg') continue;
    const location = `${String(backend.schema ?? DEFAULT_PG_SCHEMA)}.${String(backend.stateName ?? name)}`;
    byLocation.set(location, [...(byLocation.get(location) ?? []), name]);
  }
  const problems: Diagnostic[] = [];
  for (const [location, sharing] of byLocation) {
    if (sharing.length < 2) continue;
    // The line to change: where the shared name is written (an environment's own, else the top level's).
    const writer = sharing.find((name) => valueAt(top.environments?.[name], ['backend', 'stateName']) !== undefined);
    const path: JsonPath =
      writer !== undefined
        ? ['environments', writer, 'backend', 'stateName']
        : valueAt(top, ['backend', 'stateName']) !== undefined
          ? ['backend', 'stateName']
          : ['environments', sharing[1]!];
    problems.push(
      problem(
        path,
        'value',
        `environments ${sharing.join(' and ')} share one state (PostgreSQL ${location}), so each would apply over the other's record; remove backend.stateName${writer === undefined ? ' at the top level' : ` from environments.${writer}`} (each environment then uses its own name as its state name) or give each environment a stateName of its own`,
        'shared-state',
      ),
    );
  }
  return problems;
}

function nonEmptyVariable(env: Environment, name: string): boolean {
  return (env[name] ?? '').trim() !== '';
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
