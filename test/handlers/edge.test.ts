/**
 * The checks every route passes before its own logic (lambda/shared/http.ts): the request came through CloudFront
 * (the origin secret header, lambda/shared/originCheck.ts), and the token is an access token.
 * Handlers (lambda/): http/getGame, http/health.
 */
import { afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { mockClient } from 'aws-sdk-client-mock';
import { DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import { GetSecretValueCommand, ResourceNotFoundException, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { ADMIN, expectError, getById, httpEvent, lambdaContext, parse, stubEnvironment, TABLES, isolateEachTest } from './support.ts';
import { loadHandlers } from './loadHandlers.ts';

const ddb = mockClient(DynamoDBDocumentClient);
const secrets = mockClient(SecretsManagerClient);
const ctx = lambdaContext();
const SECRET_ARN = 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:origin-AbCdEf';

let originSecret: typeof import('../../lambda/store/originSecret.ts');

const { getGame, health } = loadHandlers(['getGame', 'health']);

beforeAll(async () => {
  originSecret = await import('../../lambda/store/originSecret.ts');
});

isolateEachTest({ mocks: [ddb, secrets] });
beforeEach(() => {
  originSecret.clearOriginSecretCache();
  ddb.on(GetCommand, { TableName: TABLES.games }).resolves({ Item: { id: 'g1', qset: ['q1'], title: 'G' } });
});

afterEach(() => {
  vi.unstubAllEnvs();
  stubEnvironment();
});

/** Secrets Manager holding these values under these staging labels (the others do not exist). */
function secretStages(values: Partial<Record<'AWSCURRENT' | 'AWSPENDING' | 'AWSPREVIOUS', string>>) {
  secrets.on(GetSecretValueCommand).callsFake((input: { VersionStage: keyof typeof values }) => {
    const value = values[input.VersionStage];
    if (value === undefined) throw new ResourceNotFoundException({ message: 'no such version', $metadata: {} });
    return { SecretString: value };
  });
}

const withHeader = <E extends { headers: Record<string, string | undefined> }>(event: E, value: string | undefined): E => {
  if (value !== undefined) event.headers[originSecret.ORIGIN_SECRET_HEADER] = value;
  return event;
};
const gameRequest = (header?: string) => withHeader(getById('/api/v1/game/{id}', { id: 'g1' }), header);
const healthRequest = (header?: string) => withHeader(httpEvent('GET', '/api/v1/health', '/api/v1/health', { claims: null }), header);

describe('only CloudFront may reach the API (origin secret header)', () => {
  it('is off where no secret is configured (the local stack): a request without the header is served', async () => {
    expect(process.env[originSecret.ORIGIN_SECRET_ENV]).toBeUndefined();
    expect(parse(await getGame(gameRequest(), ctx)).status).toBe(200);
    expect(secrets.calls()).toHaveLength(0);
  });

  it('refuses a direct call (no header, a wrong one) with 403 in the contract shape, before any handler logic, public routes included', async () => {
    vi.stubEnv(originSecret.ORIGIN_SECRET_ENV, SECRET_ARN);
    secretStages({ AWSCURRENT: 'current-value' });
    for (const header of [undefined, '', 'guess', 'current-valu', 'current-value ']) {
      expectError(parse(await getGame(gameRequest(header), ctx)), 403, 'direct_access_forbidden');
      expectError(parse(await health(healthRequest(header), ctx)), 403, 'direct_access_forbidden');
    }
    // Refused before the token or the handler: nothing was read.
    expect(ddb.calls()).toHaveLength(0);
    // Forbidden beats unauthorized: a direct call without a token learns nothing about the route's auth.
    expectError(parse(await getGame(withHeader(getById('/api/v1/game/{id}', { id: 'g1' }, null), undefined), ctx)), 403, 'direct_access_forbidden');
  });

  it('serves requests that carry the current, the pending or the previous value (a rotation in progress)', async () => {
    vi.stubEnv(originSecret.ORIGIN_SECRET_ENV, SECRET_ARN);
    secretStages({ AWSCURRENT: 'new-value', AWSPENDING: 'next-value', AWSPREVIOUS: 'old-value' });
    for (const header of ['new-value', 'next-value', 'old-value']) {
      expect(parse(await getGame(gameRequest(header), ctx)).status).toBe(200);
    }
    expect(parse(await health(healthRequest('new-value'), ctx)).status).toBe(200);
  });

  it('notices a rotation: an unknown value reloads the secret (at most once every 10 s)', async () => {
    vi.stubEnv(originSecret.ORIGIN_SECRET_ENV, SECRET_ARN);
    secretStages({ AWSCURRENT: 'first' });
    expect(parse(await getGame(gameRequest('first'), ctx)).status).toBe(200);
    secrets.reset();
    secretStages({ AWSCURRENT: 'second', AWSPREVIOUS: 'first' });
    // Within 10 s of the load: no reload, so the new value is not known yet.
    expectError(parse(await getGame(gameRequest('second'), ctx)), 403, 'direct_access_forbidden');
    expect(secrets.calls()).toHaveLength(0);
    vi.setSystemTime(Date.now() + originSecret.ORIGIN_SECRET_MIN_RELOAD_MS);
    expect(parse(await getGame(gameRequest('second'), ctx)).status).toBe(200);
    expect(parse(await getGame(gameRequest('first'), ctx)).status).toBe(200);
  });
});

describe('only access tokens', () => {
  it('refuses an ID token (API Gateway’s JWT authorizer lets it through) with 401 access_token_required', async () => {
    const event = getById('/api/v1/game/{id}', { id: 'g1' }, ADMIN);
    event.requestContext.authorizer.jwt.claims.token_use = 'id';
    expectError(parse(await getGame(event, ctx)), 401, 'access_token_required');
    delete event.requestContext.authorizer.jwt.claims.token_use;
    expectError(parse(await getGame(event, ctx)), 401, 'access_token_required');
    expect(ddb.calls()).toHaveLength(0);
  });

  it('serves an access token', async () => {
    expect(parse(await getGame(getById('/api/v1/game/{id}', { id: 'g1' }, ADMIN), ctx)).status).toBe(200);
  });
});
