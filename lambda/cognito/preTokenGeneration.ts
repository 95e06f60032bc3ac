/**
 * Cognito pre token generation trigger (event version 1, which can change the groups of both the ID and the access
 * token): a member of `admin` without TOTP gets tokens without the `admin` group (lambda/domain/adminMfa.ts).
 * Players' tokens are untouched and cost no extra call.
 */
import { AdminGetUserCommand, CognitoIdentityProviderClient } from '@aws-sdk/client-cognito-identity-provider';
import type { PreTokenGenerationTriggerEvent } from 'aws-lambda';
import { ADMIN_GROUP, groupsForToken } from '../domain/adminMfa.ts';
import { logger } from '../shared/powertools.ts';

export const cognito = new CognitoIdentityProviderClient({ maxAttempts: 3 });

export async function handler(event: PreTokenGenerationTriggerEvent): Promise<PreTokenGenerationTriggerEvent> {
  const groups = event.request.groupConfiguration?.groupsToOverride ?? [];
  if (!groups.includes(ADMIN_GROUP)) return event;
  const user = await cognito.send(new AdminGetUserCommand({ UserPoolId: event.userPoolId, Username: event.userName }));
  const allowed = groupsForToken(groups, user.UserMFASettingList);
  if (allowed.length !== groups.length) {
    logger.warn('admin without TOTP: tokens issued without the admin group', { user: event.userName });
    event.response.claimsOverrideDetails = { ...event.response.claimsOverrideDetails, groupOverrideDetails: { groupsToOverride: allowed } };
  }
  return event;
}
