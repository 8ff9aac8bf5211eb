// The config's rules beyond its schema: what one key means for another (a backoff's range, a pg option on the
// local backend), names that must exist (an environment, the one it promotes from), what must never meet (two
// environments on one state, a system schema). Each problem is positioned where it is written.

import { callbackUrlProblem } from '../contract/callback-url.js';
import { closestMatch } from '../diagnostics/did-you-mean.js';
import type { Diagnostic } from '../diagnostics/diagnostic.js';
import type { JsonPath } from '../diagnostics/json-pointer.js';
import type { RuleCode } from '../diagnostics/rule-codes.js';
import type { LocateTarget } from '../diagnostics/yaml-document.js';
import { CONFIG_DEFAULTS } from './config-defaults.js';
import { mergeEnvironment } from './config-shape.js';
import type { RawShape } from './config-shape.js';
import { valueAt } from './overlay.js';
import { DEFAULT_ENVIRONMENT } from './project-config.js';

/** A problem at a path of the config file, with its rule. */
export type ProblemAt = (path: JsonPath, target: LocateTarget, message: string, rule: RuleCode) => Diagnostic;

/** The keys of backend that only the pg backend reads. */
const PG_ONLY = ['schema', 'stateName', 'skipSchemaCreation', 'statementTimeout', 'lockLease'] as const;

/**
 * The problems of the config for one environment: `shape` is its settings merged over the top level, and
 * `source` says where a merged key was written (the environment's section or the top level).
 */
export function configRuleProblems(
  top: RawShape,
  names: readonly string[],
  shape: RawShape,
  source: (path: JsonPath) => JsonPath,
  problem: ProblemAt,
): Diagnostic[] {
  const diagnostics: Diagnostic[] = [];
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
  if (typeof shape.defaults?.callbackUrl === 'string') {
    const why = callbackUrlProblem(shape.defaults.callbackUrl);
    if (why !== undefined)
      diagnostics.push(
        problem(source(['defaults', 'callbackUrl']), 'value', `defaults.callbackUrl ${why}`, 'callback-url'),
      );
  }
  const baseMs = shape.apply?.backoff?.baseMs ?? CONFIG_DEFAULTS['apply.backoff.baseMs'];
  const capMs = shape.apply?.backoff?.capMs ?? CONFIG_DEFAULTS['apply.backoff.capMs'];
  if (typeof capMs === 'number' && typeof baseMs === 'number' && capMs < baseMs)
    diagnostics.push(
      problem(
        source(['apply', 'backoff', 'capMs']),
        'value',
        `apply.backoff.capMs (${capMs}) must not be below apply.backoff.baseMs (${baseMs})`,
        'backoff-range',
      ),
    );
  if (shape.backend?.type !== 'pg')
    for (const option of PG_ONLY)
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
  return diagnostics;
}

/** An --env that names no environment of the config, as a problem that lists them. */
export function environmentProblem(names: readonly string[], chosen: string | undefined): Diagnostic | undefined {
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

function didYouMean(name: string, names: readonly string[]): string {
  const suggestion = closestMatch(name, names);
  return suggestion === undefined ? '' : ` (did you mean ${suggestion}?)`;
}

/**
 * Two environments whose states resolve to one place (the same PostgreSQL schema and state name: the database
 * comes from the process environment, so one is assumed) would each apply over the other's record, so each is
 * told apart or the config is refused, at the line that makes them meet. Local states are always apart: each
 * environment's is a folder of its own under stateDir.
 */
function sharedStateProblems(top: RawShape, names: readonly string[], problem: ProblemAt): Diagnostic[] {
  const byLocation = new Map<string, string[]>();
  for (const name of names) {
    const backend = mergeEnvironment(top, top.environments?.[name]).backend;
    if (backend?.type !== 'pg') continue;
    const location = `${String(backend.schema ?? CONFIG_DEFAULTS['backend.schema'])}.${String(backend.stateName ?? name)}`;
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
