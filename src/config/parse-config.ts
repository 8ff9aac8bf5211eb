// Pure half of config handling: raw config data (from any file form) plus the environment in, a complete
// ProjectConfig or a list of positioned problems out. Its parts: the shape and the environment merge
// (config-shape.ts), the rules beyond the schema (config-rules.ts), the URL variables (url-overrides.ts) and
// the defaults (config-defaults.ts).

import { isAbsolute, join, resolve } from 'node:path';
import { compareDiagnostics } from '../diagnostics/diagnostic.js';
import type { Diagnostic, SourcePosition } from '../diagnostics/diagnostic.js';
import type { JsonPath } from '../diagnostics/json-pointer.js';
import type { RuleCode } from '../diagnostics/rule-codes.js';
import { schemaCheck } from '../diagnostics/schema-validator.js';
import type { SchemaProblem } from '../diagnostics/schema-validator.js';
import type { LocateTarget } from '../diagnostics/yaml-document.js';
import { durationMs } from '../schedules/duration.js';
import { CONFIG_DEFAULTS, DEFAULT_AUTH_URLS } from './config-defaults.js';
import { configRuleProblems, environmentProblem } from './config-rules.js';
import { mergeEnvironment } from './config-shape.js';
import type { Environment, RawShape } from './config-shape.js';
import { valueAt } from './overlay.js';
import { DEFAULT_ENVIRONMENT } from './project-config.js';
import type { CredentialVariables, ProjectConfig, UrlSource } from './project-config.js';
import { urlOverrides } from './url-overrides.js';

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

export type { Environment } from './config-shape.js';

export type ConfigResult = { ok: true; config: ProjectConfig } | { ok: false; diagnostics: Diagnostic[] };

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
  // The rules guard their own types, so every problem is reported in one round.
  const shape = mergeEnvironment(top, own);
  diagnostics.push(...configRuleProblems(top, names, shape, source, problem));

  const flow = shape.auth?.flow ?? CONFIG_DEFAULTS['auth.flow'];
  const urls = urlOverrides(env, (key) => own?.[key] !== undefined, diagnostics);
  const authUrl = urls.authUrl ?? shape.authUrl ?? DEFAULT_AUTH_URLS[flow];
  const apiUrl = urls.apiUrl ?? shape.apiUrl ?? CONFIG_DEFAULTS.apiUrl;
  const urlSource = (fromEnv: string | undefined, variable: UrlSource, configured: string | undefined): UrlSource =>
    fromEnv !== undefined ? variable : configured !== undefined ? 'config' : 'default';
  if (diagnostics.length > 0) return { ok: false, diagnostics: diagnostics.sort(compareDiagnostics) };

  const inRoot = (path: string) => (isAbsolute(path) ? path : resolve(raw.rootDir, path));
  const stateRoot = inRoot(shape.stateDir ?? CONFIG_DEFAULTS.stateDir);
  return {
    ok: true,
    config: {
      configFile: raw.configFile,
      rootDir: raw.rootDir,
      exportsDir: inRoot(shape.exportsDir ?? CONFIG_DEFAULTS.exportsDir),
      // Each environment keeps its own local state, in a folder of its own.
      stateDir: names.length === 0 || chosen === undefined ? stateRoot : join(stateRoot, chosen),
      // Dot-named: no environment's folder can be called that.
      cacheDir: join(stateRoot, '.cache'),
      authUrl: stripTrailingSlash(authUrl),
      apiUrl: stripTrailingSlash(apiUrl),
      api: {
        statusPath: shape.api?.statusPath ?? CONFIG_DEFAULTS['api.statusPath'],
      },
      auth: {
        flow,
        // Real CXone (access keys) speaks RFC 6749 with Basic client auth; the seed's flow speaks JSON.
        tokenRequest: shape.auth?.tokenRequest ?? (flow === 'access_key' ? 'form' : 'json'),
        clientAuth: shape.auth?.clientAuth ?? (flow === 'access_key' ? 'basic' : 'body'),
        scope: shape.auth?.scope,
      },
      limits: {
        maxRows: shape.limits?.maxRows ?? CONFIG_DEFAULTS['limits.maxRows'],
        delimiters: shape.limits?.delimiters ?? [...CONFIG_DEFAULTS['limits.delimiters']],
        // The schema admits only durations here.
        minScheduleIntervalMs: durationMs(
          shape.limits?.minScheduleInterval ?? CONFIG_DEFAULTS['limits.minScheduleInterval'],
        )!,
        staleGraceMs: durationMs(shape.limits?.staleGrace ?? CONFIG_DEFAULTS['limits.staleGrace'])!,
        lostAfterMs: durationMs(shape.limits?.lostAfter ?? CONFIG_DEFAULTS['limits.lostAfter'])!,
      },
      defaults: {
        callbackUrl: shape.defaults?.callbackUrl,
        format: shape.defaults?.format ?? {},
      },
      apply: {
        concurrency: shape.apply?.concurrency ?? CONFIG_DEFAULTS['apply.concurrency'],
        spacingMs: shape.apply?.spacingMs ?? CONFIG_DEFAULTS['apply.spacingMs'],
        maxRequestsPerSecond: shape.apply?.maxRequestsPerSecond,
        maxAttempts: shape.apply?.maxAttempts ?? CONFIG_DEFAULTS['apply.maxAttempts'],
        timeoutMs: shape.apply?.timeoutMs ?? CONFIG_DEFAULTS['apply.timeoutMs'],
        backoff: {
          baseMs: shape.apply?.backoff?.baseMs ?? CONFIG_DEFAULTS['apply.backoff.baseMs'],
          capMs: shape.apply?.backoff?.capMs ?? CONFIG_DEFAULTS['apply.backoff.capMs'],
        },
        circuitBreaker: {
          failureThreshold:
            shape.apply?.circuitBreaker?.failureThreshold ?? CONFIG_DEFAULTS['apply.circuitBreaker.failureThreshold'],
          cooldownMs: shape.apply?.circuitBreaker?.cooldownMs ?? CONFIG_DEFAULTS['apply.circuitBreaker.cooldownMs'],
        },
      },
      policies: shape.policies ?? [],
      runs: {
        parallel: top.runs?.parallel ?? CONFIG_DEFAULTS['runs.parallel'],
        maxEnvironments: top.runs?.maxEnvironments,
      },
      callbacks: {
        host: shape.callbacks?.host ?? CONFIG_DEFAULTS['callbacks.host'],
        port: shape.callbacks?.port ?? CONFIG_DEFAULTS['callbacks.port'],
        path: shape.callbacks?.path ?? CONFIG_DEFAULTS['callbacks.path'],
        metricsHost: shape.callbacks?.metricsHost ?? CONFIG_DEFAULTS['callbacks.metricsHost'],
        pageUrl: (shape.callbacks?.pageUrl ?? CONFIG_DEFAULTS['callbacks.pageUrl']).replace(/\/+$/, ''),
        ...(shape.callbacks?.metricsPort === undefined ? {} : { metricsPort: shape.callbacks.metricsPort }),
      },
      backend:
        shape.backend?.type === 'pg'
          ? {
              type: 'pg',
              schema: shape.backend.schema ?? CONFIG_DEFAULTS['backend.schema'],
              // Environments never share a state by accident: each gets its own name unless told otherwise.
              stateName: shape.backend.stateName ?? (names.length > 0 && chosen !== undefined ? chosen : 'default'),
              skipSchemaCreation: shape.backend.skipSchemaCreation ?? CONFIG_DEFAULTS['backend.skipSchemaCreation'],
              // The schema admits only durations here.
              statementTimeoutMs: durationMs(
                shape.backend.statementTimeout ?? CONFIG_DEFAULTS['backend.statementTimeout'],
              )!,
              lockLeaseMs: durationMs(shape.backend.lockLease ?? CONFIG_DEFAULTS['backend.lockLease'])!,
            }
          : { type: 'local' },
      environment: {
        name: chosen,
        names,
        tenantId: own?.tenantId,
        promoteFrom: own?.promoteFrom,
        credentialVariables: credentialVariables(names.length === 0 ? undefined : chosen, own?.credentials),
        urlSources: {
          apiUrl: urlSource(urls.apiUrl, 'CXONE_API_URL', shape.apiUrl),
          authUrl: urlSource(urls.authUrl, 'CXONE_AUTH_URL', shape.authUrl),
        },
        ignoredVariables: urls.ignoredVariables,
      },
    },
  };
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

function stripTrailingSlash(url: string): string {
  return url.replace(/\/+$/, '');
}
