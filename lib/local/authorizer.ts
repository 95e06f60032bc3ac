/**
 * API Gateway's JWT authorizer (HTTP API), locally, claim for claim:
 *  - the token from the Authorization header (with or without "Bearer ");
 *  - a `kid` in the header, and an RS256/384/512 signature by that key of the issuer's JWKS (no `alg: none`, no HMAC:
 *    a token "signed" with the public key as an HS256 secret is refused);
 *  - `iss` equal to the issuer; `exp` in the future and `nbf` not, to the second (no leeway); `iat` not in the future;
 *  - the audience: when the token has `aud` (an ID token) it must be a configured audience, and only then; without
 *    `aud` (an access token) `client_id` must be one. A token with another client's `aud` is refused even when its
 *    `client_id` matches.
 * On success the claims go to the integration the way API Gateway passes them (all strings).
 *
 * API Gateway does not look at `token_use`, so neither does this: an ID token passes here as it does in AWS, and the
 * handler layer refuses it (lambda/shared/http.ts `authorize`), the same code in both places.
 * The local AppSync Events server reuses `createJwtAuthorizer`; `isAccessToken` is for callers without that layer.
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

/** The asymmetric algorithms Cognito signs with; jose refuses `none` on its own, this list refuses HMAC. */
const ALGORITHMS = ['RS256', 'RS384', 'RS512'];

/** The audience rule of API Gateway's JWT authorizer: `aud` when present, else `client_id`. */
export function audienceMatches(payload: JWTPayload, audience: string[]): boolean {
  if (payload.aud !== undefined) {
    const auds = Array.isArray(payload.aud) ? payload.aud : [payload.aud];
    return auds.some((a) => audience.includes(a));
  }
  return typeof payload.client_id === 'string' && audience.includes(payload.client_id);
}

/** True for a Cognito access token (claims as the authorizer passes them, or as decoded). */
export const isAccessToken = (claims: Record<string, unknown>): boolean => claims.token_use === 'access';

export function createJwtAuthorizer(config: JwtAuthorizerConfig, keys: JWTVerifyGetKey = createRemoteJWKSet(new URL(config.jwksUri))): JwtAuthorizer {
  return async (header) => {
    if (!header || header.trim() === '') return { ok: false, reason: 'missing token' };
    const token = header.trim().replace(/^Bearer\s+/i, '');
    let payload: JWTPayload;
    try {
      const verified = await jwtVerify(token, keys, { issuer: config.issuer, algorithms: ALGORITHMS, clockTolerance: 0 });
      // jose picks the only key of a one-key JWKS when the header names none; API Gateway requires the kid.
      if (typeof verified.protectedHeader.kid !== 'string' || verified.protectedHeader.kid === '') return { ok: false, reason: 'no kid in the token header' };
      payload = verified.payload;
    } catch (err) {
      const reason = err instanceof joseErrors.JOSEError ? `${err.code}: ${err.message}` : (err as Error).message;
      return { ok: false, reason };
    }
    if (typeof payload.iat === 'number' && payload.iat * 1000 > Date.now() + 1000) return { ok: false, reason: 'token issued in the future' };
    if (!audienceMatches(payload, config.audience)) return { ok: false, reason: 'audience (aud, else client_id) does not match' };
    const scopes = typeof payload.scope === 'string' && payload.scope.trim() !== '' ? payload.scope.trim().split(/\s+/) : null;
    return { ok: true, claims: claimsAsApiGateway(payload as Record<string, unknown>), scopes };
  };
}
