/** The admin MFA gate (lambda/cognito/preTokenGeneration.ts): admin rights only in the tokens of admins with TOTP. */
import { describe, expect, it } from 'vitest';
import { mockClient } from 'aws-sdk-client-mock';
import { AdminGetUserCommand, CognitoIdentityProviderClient } from '@aws-sdk/client-cognito-identity-provider';
import type { PreTokenGenerationTriggerEvent } from 'aws-lambda';
import { isolateEachTest } from './support.ts';
import { loadHandlers } from './loadHandlers.ts';

const cognito = mockClient(CognitoIdentityProviderClient);

const { preTokenGeneration: handler } = loadHandlers(['preTokenGeneration']);
isolateEachTest({ mocks: [cognito] });

const event = (groups: string[]) =>
  ({
    version: '1',
    triggerSource: 'TokenGeneration_Authentication',
    region: 'eu-west-1',
    userPoolId: 'eu-west-1_pool',
    userName: 'user-1',
    callerContext: { awsSdkVersion: 'x', clientId: 'client-1' },
    request: { userAttributes: { sub: 'user-1' }, groupConfiguration: { groupsToOverride: groups, iamRolesToOverride: [] } },
    response: { claimsOverrideDetails: {} },
  }) as unknown as PreTokenGenerationTriggerEvent;

describe('pre token generation: the admin group needs TOTP', () => {
  it('drops `admin` from the tokens of an admin without TOTP (and keeps the other groups)', async () => {
    cognito.on(AdminGetUserCommand).resolves({ Username: 'user-1', UserMFASettingList: [] });
    const out = await handler(event(['admin', 'players']));
    expect(out.response.claimsOverrideDetails?.groupOverrideDetails?.groupsToOverride).toEqual(['players']);
    expect(cognito.commandCalls(AdminGetUserCommand)[0].args[0].input).toEqual({ UserPoolId: 'eu-west-1_pool', Username: 'user-1' });
  });

  it('keeps `admin` for an admin with TOTP enabled', async () => {
    cognito.on(AdminGetUserCommand).resolves({ Username: 'user-1', UserMFASettingList: ['SOFTWARE_TOKEN_MFA'] });
    const out = await handler(event(['admin']));
    expect(out.response.claimsOverrideDetails?.groupOverrideDetails).toBeUndefined();
  });

  it('leaves players alone, without a call to Cognito', async () => {
    const out = await handler(event(['players']));
    expect(out.response.claimsOverrideDetails?.groupOverrideDetails).toBeUndefined();
    expect(cognito.calls()).toHaveLength(0);
  });

  it('fails the sign-in rather than issue admin rights when Cognito cannot say', async () => {
    cognito.on(AdminGetUserCommand).rejects(new Error('throttled'));
    await expect(handler(event(['admin']))).rejects.toThrow('throttled');
  });
});
