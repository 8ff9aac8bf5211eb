// The config as read, before any default: the shape the schema admits (src/config/config-defaults.ts has the
// defaults), and an environment's section merged over the top level.

import type { DelimiterName, FormatDefaults } from '../contract/export-format.js';
import { overlay } from './overlay.js';
import type { PolicyRule } from './policy-rule.js';
import type { AuthFlow, CredentialVariables } from './project-config.js';

/** The process environment a config is read against (the URL variables, the credentials' names). */
export type Environment = Readonly<Record<string, string | undefined>>;

export interface RawShape {
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
  runs?: { parallel?: number; maxEnvironments?: number };
  policies?: PolicyRule[];
  callbacks?: {
    host?: string;
    port?: number;
    path?: string;
    metricsHost?: string;
    metricsPort?: number;
    pageUrl?: string;
  };
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

/** What an environment may set: the ENVIRONMENT_KEYS of the top level (they win over it), and what is its own. */
export type RawEnvironment = Partial<Pick<RawShape, (typeof ENVIRONMENT_KEYS)[number]>> & {
  tenantId?: string;
  promoteFrom?: string;
  credentials?: Partial<CredentialVariables>;
};

/** The top-level keys an environment may set for itself. */
export const ENVIRONMENT_KEYS = [
  'authUrl',
  'apiUrl',
  'api',
  'auth',
  'limits',
  'defaults',
  'apply',
  'callbacks',
  'backend',
  'policies',
] as const;

/** The environment's settings over the top level: maps merge, values (and lists) replace. */
export function mergeEnvironment(top: RawShape, own: RawEnvironment | undefined): RawShape {
  const merged: Record<string, unknown> = { ...top };
  delete merged.environments;
  if (own !== undefined)
    for (const key of ENVIRONMENT_KEYS) if (own[key] !== undefined) merged[key] = overlay(merged[key], own[key]);
  return merged;
}
