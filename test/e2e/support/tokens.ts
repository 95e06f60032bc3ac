/**
 * Hand-made tokens for authorizer tests: signed with cognito-local's own key (so only the claim under test is wrong)
 * or with a key of our own (a forgery with the right `kid`).
 */
import { generateKeyPairSync } from 'node:crypto';
import { localAccessToken, localIdToken, type LocalTokenInput } from '../../../lib/local/tokens.ts';
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

function tokenInput(options: TokenOptions): LocalTokenInput {
  const { outputs } = stack();
  return {
    issuer: options.issuer ?? `${outputs.CognitoEndpoint}/${outputs.UserPoolId}`,
    clientId: options.audience ?? outputs.UserPoolClientId,
    sub: options.sub ?? '00000000-0000-4000-8000-000000000001',
    email: 'handmade@example.com',
    groups: options.groups,
    expiresInSeconds: options.expiresIn,
    ...(options.forged ? { signingKey: generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey } : {}),
  };
}

/** An ID token as cognito-local issues it (`kid` CognitoLocal, `aud` the app client, `iss` the pool). */
export const handMadeIdToken = (options: TokenOptions = {}): Promise<string> => localIdToken(tokenInput(options));

/** An access token as cognito-local issues it (`client_id` the app client, no `aud`): the token the API takes. */
export const handMadeAccessToken = (options: TokenOptions = {}): Promise<string> => localAccessToken(tokenInput(options));
