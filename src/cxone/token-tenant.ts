// The tenant a CXone access token belongs to, read from its claims (a JWT's middle part). Read, never verified:
// it guards against using one environment's credentials with another's state, not against forgery.

/** The tenant claim of `token`, or undefined when the token is not a JWT or carries none. */
export function tenantOfToken(token: string): string | undefined {
  const parts = token.split('.');
  if (parts.length !== 3) return undefined;
  try {
    const claims = JSON.parse(Buffer.from(parts[1]!, 'base64url').toString('utf8')) as Record<string, unknown>;
    const tenant = claims.tenantId ?? claims.tenant_id ?? claims.tenant;
    return typeof tenant === 'string' && tenant !== '' ? tenant : undefined;
  } catch {
    return undefined;
  }
}
