/**
 * DELETE /api/v1/user/me (lambda/http/deleteMe.ts): the profile becomes a tombstone, the Cognito account is deleted,
 * and nothing a count depends on (participants, responses, statistics, episodes) is touched. After it, a token that
 * has not expired yet cannot bring the profile back. The e2e proof that the counts stay exact is test/e2e/erasure.test.ts.
 * Handlers (lambda/): http/deleteMe, http/getMe, http/updateMe.
 */
import { describe, expect, it } from 'vitest';
import { mockClient } from 'aws-sdk-client-mock';
import { DynamoDBDocumentClient, GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { AdminDeleteUserCommand, CognitoIdentityProviderClient, UserNotFoundException } from '@aws-sdk/client-cognito-identity-provider';
import { NOW, PLAYER, TABLES, type Claims, conditionalCheckFailed, expectError, httpEvent, isolateEachTest, lambdaContext, parse } from './support.ts';
import { loadHandlers } from './loadHandlers.ts';

const ddb = mockClient(DynamoDBDocumentClient);
const cognito = mockClient(CognitoIdentityProviderClient);
const ctx = lambdaContext();
const POOL = 'eu-west-1_TestPool';
const USERNAME = '5f1c2d3e-player-username';

const { deleteMe, getMe, updateMe } = loadHandlers(['deleteMe', 'getMe', 'updateMe'], { POWERTOOLS_DEV: 'true', USER_POOL_ID: POOL });

isolateEachTest({ mocks: [ddb, cognito] });

const erase = (claims: Claims & { username?: string } = { ...PLAYER, username: USERNAME }) =>
  deleteMe(httpEvent('DELETE', '/api/v1/user/me', '/api/v1/user/me', { claims }), ctx).then(parse);

describe('DELETE /api/v1/user/me', () => {
  it('replaces the profile with a tombstone and deletes the Cognito account by its user name', async () => {
    ddb.on(PutCommand).resolves({});
    cognito.on(AdminDeleteUserCommand).resolves({});
    const res = await erase();
    expect(res.status).toBe(204);
    expect(res.raw).toBe('');
    const put = ddb.commandCalls(PutCommand)[0].args[0].input;
    // The whole item is replaced: the nickname and every other attribute of the profile are gone.
    expect(put).toEqual({ TableName: TABLES.users, Item: { id: PLAYER.sub, erased_at: NOW }, ConditionExpression: 'attribute_not_exists(erased_at)' });
    expect(cognito.commandCalls(AdminDeleteUserCommand).map((c) => c.args[0].input)).toEqual([{ UserPoolId: POOL, Username: USERNAME }]);
  });

  it('writes to the users table only: registrations, answers, statistics and episodes, which counts derive from, stay as they are', async () => {
    ddb.on(PutCommand).resolves({});
    cognito.on(AdminDeleteUserCommand).resolves({});
    await erase();
    const tables = ddb.calls().map((c) => (c.args[0].input as { TableName?: string }).TableName);
    expect(tables).toEqual([TABLES.users]);
  });

  it('is idempotent: a second call keeps the first erasure time and finds the account already gone', async () => {
    ddb.on(PutCommand).rejects(conditionalCheckFailed());
    cognito.on(AdminDeleteUserCommand).rejects(new UserNotFoundException({ message: 'User does not exist.', $metadata: {} }));
    expect((await erase()).status).toBe(204);
  });

  it('falls back to the subject when the token carries no user name', async () => {
    ddb.on(PutCommand).resolves({});
    cognito.on(AdminDeleteUserCommand).resolves({});
    await erase({ ...PLAYER });
    expect(cognito.commandCalls(AdminDeleteUserCommand)[0].args[0].input.Username).toBe(PLAYER.sub);
  });

  it('answers 401 without a caller, and touches nothing', async () => {
    const res = parse(await deleteMe(httpEvent('DELETE', '/api/v1/user/me', '/api/v1/user/me', { claims: null }), ctx));
    expectError(res, 401, 'unauthorized');
    expect(ddb.calls()).toHaveLength(0);
    expect(cognito.calls()).toHaveLength(0);
  });
});

describe('after the erasure, with a token that has not expired', () => {
  it('GET /user/me answers 403 account_erased and creates no profile', async () => {
    ddb.on(GetCommand, { TableName: TABLES.users, Key: { id: PLAYER.sub } }).resolves({ Item: { id: PLAYER.sub, erased_at: NOW - 1 } });
    expectError(parse(await getMe(httpEvent('GET', '/api/v1/user/me', '/api/v1/user/me', { claims: PLAYER }), ctx)), 403, 'account_erased');
    expect(ddb.commandCalls(PutCommand)).toHaveLength(0);
  });

  it('PUT /user/me answers 403 account_erased: the nickname is only set where there is no tombstone', async () => {
    ddb.on(UpdateCommand).rejects(conditionalCheckFailed());
    const res = parse(await updateMe(httpEvent('PUT', '/api/v1/user/me', '/api/v1/user/me', { claims: PLAYER, body: { nickname: 'back' } }), ctx));
    expectError(res, 403, 'account_erased');
    expect(ddb.commandCalls(UpdateCommand)[0].args[0].input.ConditionExpression).toBe('attribute_not_exists(erased_at)');
  });
});
