// The secrets that authenticate an environment's callbacks: CXONE_<ENVIRONMENT>_CALLBACK_SECRET and
// …_CALLBACK_TOKEN when set (each client tenant its own), else CXONE_CALLBACK_SECRET and CXONE_CALLBACK_TOKEN.
// Every value is registered for redaction as it is read.

import type { CallbackAuthSettings } from '../callbacks/callback-auth.js';
import { registerSecret } from '../redaction.js';

type Variables = Readonly<Record<string, string | undefined>>;

/** The prefix of an environment's own variables (upper case, `-` as `_`), or none without environments. */
function ownPrefix(environment: string | undefined): string | undefined {
  return environment === undefined ? undefined : `CXONE_${environment.toUpperCase().replace(/-/g, '_')}_`;
}

function variable(env: Variables, name: string, environment: string | undefined): string | undefined {
  const prefix = ownPrefix(environment);
  const own = prefix === undefined ? undefined : env[`${prefix}${name}`];
  const value = own !== undefined && own !== '' ? own : env[`CXONE_${name}`];
  return value === undefined || value === '' ? undefined : value;
}

/** HMAC secrets (comma-separated, for rotation) and the ?token= of `environment` (undefined: no environments). */
export function callbackAuthFor(env: Variables, environment: string | undefined): CallbackAuthSettings {
  const secrets = (variable(env, 'CALLBACK_SECRET', environment) ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
  const token = variable(env, 'CALLBACK_TOKEN', environment);
  for (const secret of [...secrets, token]) registerSecret(secret);
  return { secrets, token };
}

/** The ?token= apply adds to the callback URLs of `environment`'s executions. */
export function callbackTokenFor(env: Variables, environment: string | undefined): string | undefined {
  const token = variable(env, 'CALLBACK_TOKEN', environment);
  registerSecret(token);
  return token;
}
