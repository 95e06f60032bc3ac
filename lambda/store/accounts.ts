/** Cognito accounts (the user pool): only deletion, for erasure. SDK client at module scope. */
import { AdminDeleteUserCommand, CognitoIdentityProviderClient } from '@aws-sdk/client-cognito-identity-provider';
import { userPoolId } from '../shared/env.ts';
import { traced } from '../shared/powertools.ts';

const cognito = traced(new CognitoIdentityProviderClient({ maxAttempts: 6 }));

/** Deletes the account: the email, the password and the sign-in. An account already deleted is not an error. */
export async function deleteAccount(username: string): Promise<void> {
  try {
    await cognito.send(new AdminDeleteUserCommand({ UserPoolId: userPoolId(), Username: username }));
  } catch (err) {
    if ((err as { name?: string }).name !== 'UserNotFoundException') throw err;
  }
}
