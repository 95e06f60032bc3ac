/**
 * Tokens signed with cognito-local's own key, exactly as cognito-local issues them. Local only: the benchmark
 * uses them to seat thousands of players without thousands of sign-ups, and the authorizer verifies them like any
 * other token (signature via the pool's JWKS, issuer, audience, expiry). The API takes access tokens only.
 */
import { createPrivateKey, type KeyObject } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { SignJWT } from 'jose';

let key: KeyObject | undefined;

export function cognitoLocalKey(): KeyObject {
  if (!key) {
    const require = createRequire(import.meta.url);
    const file = require.resolve('cognito-local/lib/keys/cognitoLocal.private.json');
    key = createPrivateKey((JSON.parse(readFileSync(file, 'utf8')) as { pem: string }).pem);
  }
  return key;
}

export interface LocalTokenInput {
  /** `${CognitoEndpoint}/${UserPoolId}` */
  issuer: string;
  clientId: string;
  sub: string;
  email?: string;
  groups?: string[];
  expiresInSeconds?: number;
  signingKey?: KeyObject;
}

/** An ID token as cognito-local issues it (`kid` CognitoLocal, `aud` the app client, `iss` the pool). */
export async function localIdToken(input: LocalTokenInput): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  const expiresIn = input.expiresInSeconds ?? 3600;
  return new SignJWT({
    token_use: 'id',
    email: input.email ?? `${input.sub}@example.com`,
    ...(input.groups ? { 'cognito:groups': input.groups } : {}),
  })
    .setProtectedHeader({ alg: 'RS256', kid: 'CognitoLocal', typ: 'JWT' })
    .setSubject(input.sub)
    .setIssuer(input.issuer)
    .setAudience(input.clientId)
    .setIssuedAt(Math.min(now, now + expiresIn - 60))
    .setExpirationTime(now + expiresIn)
    .sign(input.signingKey ?? cognitoLocalKey());
}

/** An access token as cognito-local issues it (`kid` CognitoLocal, `client_id` the app client, no `aud`, no email). */
export async function localAccessToken(input: LocalTokenInput): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  const expiresIn = input.expiresInSeconds ?? 3600;
  return new SignJWT({
    token_use: 'access',
    client_id: input.clientId,
    scope: 'aws.cognito.signin.user.admin',
    username: input.sub,
    ...(input.groups ? { 'cognito:groups': input.groups } : {}),
  })
    .setProtectedHeader({ alg: 'RS256', kid: 'CognitoLocal', typ: 'JWT' })
    .setSubject(input.sub)
    .setIssuer(input.issuer)
    .setIssuedAt(Math.min(now, now + expiresIn - 60))
    .setExpirationTime(now + expiresIn)
    .sign(input.signingKey ?? cognitoLocalKey());
}
