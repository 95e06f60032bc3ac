/**
 * API Gateway's JWT authorizer (HTTP API), locally: the token from the Authorization header (with or without
 * "Bearer "), its signature checked against the issuer's JWKS, `iss` equal to the issuer, `exp`/`nbf`/`iat` against
 * the clock, and the audience: the ID token's `aud` or the access token's `client_id` must be a configured audience.
 * On success the claims go to the integration the way API Gateway passes them (all strings).
 */
import { createRemoteJWKSet, errors as joseErrors, jwtVerify, type JWTPayload, type JWTVerifyGetKey } from 'jose';
import { claimsAsApiGateway } from './events.ts';

export interface JwtAuthorizerConfig {
  issuer: string;
  /** App client ids. */
  audience: string[];
  jwksUri: string;
}

export type AuthorizerResult = { ok: true; claims: Record<string, string>; scopes: string[] | null } | { ok: false; reason: string };

export type JwtAuthorizer = (authorizationHeader: string | undefined) => Promise<AuthorizerResult>;

export function createJwtAuthorizer(config: JwtAuthorizerConfig, keys: JWTVerifyGetKey = createRemoteJWKSet(new URL(config.jwksUri))): JwtAuthorizer {
  return async (header) => {
    if (!header || header.trim() === '') return { ok: false, reason: 'missing token' };
    const token = header.trim().replace(/^Bearer\s+/i, '');
    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(token, keys, { issuer: config.issuer, algorithms: ['RS256', 'RS384', 'RS512'] }));
    } catch (err) {
      const reason = err instanceof joseErrors.JOSEError ? `${err.code}: ${err.message}` : (err as Error).message;
      return { ok: false, reason };
    }
    if (typeof payload.iat === 'number' && payload.iat * 1000 > Date.now() + 1000) return { ok: false, reason: 'token issued in the future' };
    const audiences = Array.isArray(payload.aud) ? payload.aud : payload.aud ? [payload.aud] : [];
    const clientId = typeof payload.client_id === 'string' ? payload.client_id : undefined;
    if (!config.audience.some((a) => audiences.includes(a) || a === clientId)) return { ok: false, reason: 'audience (aud or client_id) does not match' };
    const scopes = typeof payload.scope === 'string' && payload.scope.trim() !== '' ? payload.scope.trim().split(/\s+/) : null;
    return { ok: true, claims: claimsAsApiGateway(payload as Record<string, unknown>), scopes };
  };
}
