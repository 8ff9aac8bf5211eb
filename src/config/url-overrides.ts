// CXONE_AUTH_URL and CXONE_API_URL: they stand in for the top level's authUrl and apiUrl, never for an
// environment's own (a variable left in a shell must not send a sandbox token to production's API).

import type { Diagnostic } from '../diagnostics/diagnostic.js';
import type { Environment } from './config-shape.js';

export type UrlKey = 'authUrl' | 'apiUrl';

type UrlVariable = 'CXONE_AUTH_URL' | 'CXONE_API_URL';

const VARIABLES: Record<UrlKey, UrlVariable> = {
  authUrl: 'CXONE_AUTH_URL',
  apiUrl: 'CXONE_API_URL',
};

export interface UrlOverrides {
  authUrl?: string;
  apiUrl?: string;
  /** Variables set but not used, because the environment's section names its own URL. */
  ignoredVariables: UrlVariable[];
}

/** The URLs the variables give; `ownsUrl` says which the environment's section sets itself. */
export function urlOverrides(
  env: Environment,
  ownsUrl: (key: UrlKey) => boolean,
  diagnostics: Diagnostic[],
): UrlOverrides {
  const overrides: UrlOverrides = { ignoredVariables: [] };
  for (const key of ['authUrl', 'apiUrl'] as const) {
    const variable = VARIABLES[key];
    if (ownsUrl(key)) {
      if (nonEmptyVariable(env, variable)) overrides.ignoredVariables.push(variable);
      continue;
    }
    const url = urlFromEnvironment(env, variable, diagnostics);
    if (url !== undefined) overrides[key] = url;
  }
  return overrides;
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
