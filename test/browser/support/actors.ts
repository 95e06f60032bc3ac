/** People and bots behind the browser tests: typed API clients signed in through Cognito, as the apps are. */
import { randomUUID } from 'node:crypto';
import { staticToken } from '../../../client/auth.ts';
import { TriviaClient } from '../../../client/client.ts';
import { createUser, signIn, stack } from '../../e2e/support/index.ts';

export const uniqueId = (prefix: string) => `${prefix}-${randomUUID().slice(0, 8)}`;

/** A typed client signed in as `email` (created first, as a confirmed user, when `create` is set). */
export async function apiAs(email: string, create?: { admin?: boolean }): Promise<TriviaClient> {
  if (create) await createUser({ email, admin: create.admin });
  const tokens = await signIn(email);
  return new TriviaClient({ apiUrl: stack().apiUrl, auth: staticToken(tokens.accessToken) });
}

export const appUrl = (path = '') => `${stack().outputs.ApiUrl}/${path}`;

/** A 1×1 PNG, the smallest real image the upload accepts. */
export const TINY_PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==', 'base64');
