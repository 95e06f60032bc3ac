/** Users and tokens for tests: the same Cognito calls a client makes, against the local CognitoEndpoint. */
import { randomUUID } from 'node:crypto';
import { createLocalUser, signIn as cognitoSignIn, type LocalUser, type Tokens } from '../../../lib/local/cognito.ts';
import { DEMO_PASSWORD } from '../../../client/demoUsers.ts';
import { stack } from './stack.ts';

export type { LocalUser, Tokens };

/** InitiateAuth (USER_PASSWORD_AUTH) → `{ idToken, accessToken, refreshToken }`. */
export function signIn(email: string, password: string = DEMO_PASSWORD): Promise<Tokens> {
  const { outputs } = stack();
  return cognitoSignIn({ endpoint: outputs.CognitoEndpoint, clientId: outputs.UserPoolClientId }, email, password);
}

/**
 * A confirmed user (AdminCreateUser + AdminSetUserPassword over HTTP, no shared state), in the admin group if asked;
 * `sub` fixes the token subject (e.g. the original examples' `4e1f7af7-2ac6-45bb-834c-a4269fe6d4fd`).
 */
export function createUser(input: { email: string; password?: string; sub?: string; admin?: boolean }): Promise<LocalUser> {
  const { outputs } = stack();
  return createLocalUser({ endpoint: outputs.CognitoEndpoint, userPoolId: outputs.UserPoolId }, input);
}

/** An email no other test uses. */
export const uniqueEmail = (prefix = 'user') => `${prefix}-${randomUUID().slice(0, 8)}@example.com`;

/** A new user, signed in: its id token (carries email and groups), access token and sub. */
export async function signedInUser(input: { sub?: string; admin?: boolean; prefix?: string } = {}): Promise<LocalUser & Tokens> {
  const user = await createUser({ email: uniqueEmail(input.prefix ?? (input.admin ? 'admin' : 'player')), sub: input.sub, admin: input.admin });
  return { ...user, ...(await signIn(user.email, user.password)) };
}
