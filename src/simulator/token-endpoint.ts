// The simulator's OAuth token endpoint: both flows (client_credentials, password with an access key), both
// encodings (JSON, form) and both client authentications (body, Basic), as strict as the contract says.

import type { SimulatorOptions } from './simulator-options.js';
import { crypto } from '../on-first-use.js';

export interface TokenRequest {
  contentType: string;
  authorization: string | undefined;
  body: Buffer;
}

export interface IssuedToken {
  value: string;
  expiresAt: number;
  scopes: string[];
  clientId: string;
}

export type TokenAnswer = {
  status: number;
  body: Record<string, unknown>;
  headers?: Record<string, string>;
  token?: IssuedToken;
};

const oauthError = (
  status: number,
  error: string,
  description: string,
  headers?: Record<string, string>,
): TokenAnswer => ({
  status,
  body: { error, error_description: description },
  ...(headers === undefined ? {} : { headers }),
});

export function answerTokenRequest(request: TokenRequest, options: SimulatorOptions, now: number): TokenAnswer {
  const fields = parseFields(request);
  if (fields === undefined)
    return oauthError(
      400,
      'invalid_request',
      `unsupported content type "${request.contentType}": send application/json or application/x-www-form-urlencoded`,
    );

  const basic = parseBasic(request.authorization);
  if (basic !== undefined && (fields.client_id !== undefined || fields.client_secret !== undefined)) {
    return oauthError(
      400,
      'invalid_request',
      'client credentials sent both in the Authorization header and in the body; use one method',
    );
  }
  const clientId = basic?.id ?? fields.client_id;
  const clientSecret = basic?.secret ?? fields.client_secret;
  const { credentials } = options;
  if (clientId !== credentials.clientId || clientSecret !== credentials.clientSecret) {
    return oauthError(
      401,
      'invalid_client',
      'client authentication failed',
      basic === undefined ? undefined : { 'WWW-Authenticate': 'Basic realm="cxone"' },
    );
  }

  const grant = fields.grant_type;
  if (grant === 'password') {
    if (fields.username !== credentials.accessKeyId || fields.password !== credentials.accessKeySecret)
      return oauthError(400, 'invalid_grant', 'the access key id or secret is wrong');
  } else if (grant !== 'client_credentials') {
    return oauthError(400, 'unsupported_grant_type', `grant_type ${JSON.stringify(grant ?? null)} is not supported`);
  }

  const requested = fields.scope === undefined ? options.clientScopes : fields.scope.split(/\s+/).filter(Boolean);
  const unknown = requested.filter((scope) => !options.clientScopes.includes(scope));
  if (unknown.length > 0)
    return oauthError(400, 'invalid_scope', `scope not granted to this client: ${unknown.join(' ')}`);

  const token: IssuedToken = {
    value: jwtShapedToken(options.tenantId, now + options.tokenTtlSeconds * 1000),
    expiresAt: now + options.tokenTtlSeconds * 1000,
    scopes: requested,
    clientId,
  };
  const body: Record<string, unknown> = {
    access_token: token.value,
    token_type: 'bearer',
    expires_in: options.tokenTtlSeconds,
    scope: requested.join(' '),
  };
  if (grant === 'password') body.refresh_token = `simr_${crypto().randomBytes(24).toString('hex')}`;
  return { status: 200, body, token };
}

/**
 * A token shaped like CXone's: a JWT whose claims carry the tenant (unsigned here; clients read the claim, they
 * never verify it, and the simulator checks the whole value it issued).
 */
function jwtShapedToken(tenantId: string, expiresAt: number): string {
  const part = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
  const claims = { iss: 'cxone-simulator', tenantId, exp: Math.floor(expiresAt / 1000) };
  return `${part({ alg: 'none', typ: 'JWT' })}.${part(claims)}.${crypto().randomBytes(24).toString('base64url')}`;
}

function parseFields(request: TokenRequest): Record<string, string | undefined> | undefined {
  const text = request.body.toString('utf8');
  if (request.contentType === 'application/x-www-form-urlencoded') return Object.fromEntries(new URLSearchParams(text));
  if (request.contentType === 'application/json') {
    try {
      const parsed = JSON.parse(text) as unknown;
      if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) return {};
      return Object.fromEntries(Object.entries(parsed).map(([k, v]) => [k, typeof v === 'string' ? v : undefined]));
    } catch {
      return {};
    }
  }
  return undefined;
}

function parseBasic(header: string | undefined): { id: string; secret: string } | undefined {
  const match = /^Basic\s+(.+)$/i.exec(header ?? '');
  if (match === null) return undefined;
  const decoded = Buffer.from(match[1]!, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) return { id: decoded, secret: '' };
  const formDecode = (value: string) => decodeURIComponent(value.replace(/\+/g, ' '));
  return { id: formDecode(decoded.slice(0, colon)), secret: formDecode(decoded.slice(colon + 1)) };
}

/** The fields of a token request that are safe to keep in the record. */
export function recordableTokenFields(request: TokenRequest): Record<string, unknown> {
  const fields = parseFields(request) ?? {};
  return {
    grant_type: fields.grant_type,
    scope: fields.scope,
    fields: Object.keys(fields).sort(),
    clientAuth: parseBasic(request.authorization) === undefined ? 'body' : 'basic',
  };
}
