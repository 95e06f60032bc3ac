/**
 * Hand-made tokens for authorizer tests: signed with cognito-local's own key (so only the claim under test is wrong)
 * or with a key of our own (a forgery with the right `kid`).
 */
import { generateKeyPairSync } from 'node:crypto';
import { localIdToken } from '../../../lib/local/tokens.ts';
import { stack } from './stack.ts';

export interface TokenOptions {
  sub?: string;
  /** Seconds from now; negative for an expired token. Default 3600. */
  expiresIn?: number;
  audience?: string;
  issuer?: string;
  groups?: string[];
  /** Sign with a freshly generated key instead of cognito-local's. */
  forged?: boolean;
}

/** An ID token as cognito-local issues it (`kid` CognitoLocal, `aud` the app client, `iss` the pool). */
export function handMadeIdToken(options: TokenOptions = {}): Promise<string> {
  const { outputs } = stack();
  return localIdToken({
    issuer: options.issuer ?? `${outputs.CognitoEndpoint}/${outputs.UserPoolId}`,
    clientId: options.audience ?? outputs.UserPoolClientId,
    sub: options.sub ?? '00000000-0000-4000-8000-000000000001',
    email: 'handmade@example.com',
    groups: options.groups,
    expiresInSeconds: options.expiresIn,
    ...(options.forged ? { signingKey: generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey } : {}),
  });
}
