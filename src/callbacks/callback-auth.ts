// Who may post a callback (docs/design/cxone-contract.md §5): a valid HMAC signature by one of the configured secrets,
// or the shared token in the URL. The reason a check failed is for the audit log only, never for the caller.

import { isLoopbackHost } from '../contract/callback-url.js';
import { sameSecret } from '../contract/same-secret.js';
import { UsageError } from '../errors.js';
import { SIGNATURE_HEADER, TIMESTAMP_HEADER, verifyCallbackSignature } from '../contract/callback-signature.js';

export interface CallbackAuthSettings {
  /** HMAC secrets, several during a rotation. */
  secrets: readonly string[];
  /** The shared ?token= value. */
  token: string | undefined;
}

export type AuthVerdict = { ok: true } | { ok: false; reason: 'missing-credentials' | 'bad-signature' | 'bad-token' };

export function authEnabled(settings: CallbackAuthSettings): boolean {
  return settings.secrets.length > 0 || settings.token !== undefined;
}

/**
 * A receiver beyond loopback accepts only authenticated callbacks, unless told that something else authenticates
 * them (`insecureNoAuth`): anyone who can reach it could otherwise record an execution's end.
 */
export function refuseUnauthenticatedListener(
  host: string,
  settings: CallbackAuthSettings,
  insecureNoAuth: boolean,
): void {
  if (authEnabled(settings) || isLoopbackHost(host) || insecureNoAuth) return;
  throw new UsageError(`refusing to listen on ${host} without callback authentication`, {
    hint: 'Set CXONE_CALLBACK_SECRET (HMAC; comma-separated for rotation) or CXONE_CALLBACK_TOKEN (?token=), listen on 127.0.0.1 behind a reverse proxy, or pass --insecure-no-auth if something else authenticates the callbacks.',
  });
}

export function checkCallbackAuth(
  settings: CallbackAuthSettings,
  headers: Record<string, string | string[] | undefined>,
  query: URLSearchParams,
  rawBody: Buffer,
  nowSeconds: number,
): AuthVerdict {
  if (!authEnabled(settings)) return { ok: true };
  const signature = single(headers[SIGNATURE_HEADER]);
  if (signature !== undefined && settings.secrets.length > 0) {
    return verifyCallbackSignature(settings.secrets, single(headers[TIMESTAMP_HEADER]), signature, rawBody, nowSeconds)
      ? { ok: true }
      : { ok: false, reason: 'bad-signature' };
  }
  const token = query.get('token');
  if (token !== null && settings.token !== undefined)
    return sameSecret(token, settings.token) ? { ok: true } : { ok: false, reason: 'bad-token' };
  return { ok: false, reason: 'missing-credentials' };
}

function single(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}
