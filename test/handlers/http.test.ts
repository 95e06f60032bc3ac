/**
 * The HTTP adapter (lambda/shared/http.ts), exercised through real handlers: parsing, validation, the caller's
 * identity and groups, and the one mapping of every error to the contract's shape and status.
 * Handlers (lambda/): http/createQuestion, http/getQuestion, http/getGame, http/getEpisode, http/health.
 */
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { mockClient } from 'aws-sdk-client-mock';
import { DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { ProvisionedThroughputExceededException } from '@aws-sdk/client-dynamodb';
import {
  ADMIN,
  NOW,
  PLAYER,
  TABLES,
  expectError,
  getById,
  httpEvent,
  lambdaContext,
  parse,
  post,
  isolateEachTest,
} from './support.ts';
import { loadHandlers, clearEpisodeCache } from './loadHandlers.ts';

const ddb = mockClient(DynamoDBDocumentClient);
const ctx = lambdaContext();

let http: typeof import('../../lambda/shared/http.ts');
let logger: typeof import('../../lambda/shared/powertools.ts').logger;

const { createQuestion, getQuestion, getGame, getEpisode, health } = loadHandlers(['createQuestion', 'getQuestion', 'getGame', 'getEpisode', 'health'], { APP_VERSION: '9.9.9-test' });

beforeAll(async () => {
  http = await import('../../lambda/shared/http.ts');
  logger = (await import('../../lambda/shared/powertools.ts')).logger;
});

isolateEachTest({ mocks: [ddb], clearEpisodeCache });

const validQuestion = { question: 'Which planet is largest?', options: ['Mars', 'Venus', 'Jupiter'], answer: '2' };

describe('parseGroups', () => {
  it('reads the bracketed string that API Gateway passes for one group', () => {
    expect(http.parseGroups('[admin]')).toEqual(['admin']);
  });

  it('reads the bracketed, space-separated string for several groups', () => {
    expect(http.parseGroups('[admin players]')).toEqual(['admin', 'players']);
  });

  it('reads a JSON array in a string', () => {
    expect(http.parseGroups('["admin","players"]')).toEqual(['admin', 'players']);
    expect(http.parseGroups('["players"]')).toEqual(['players']);
  });

  it('takes a real array as it is', () => {
    expect(http.parseGroups(['admin', 'players'])).toEqual(['admin', 'players']);
  });

  it('gives no groups for a missing or empty claim', () => {
    expect(http.parseGroups(undefined)).toEqual([]);
    expect(http.parseGroups('')).toEqual([]);
    expect(http.parseGroups('[]')).toEqual([]);
  });

  it('does not mistake a group whose name contains "admin" for admin', () => {
    const caller = http.callerOf(httpEvent('GET', '/x', '/x', { claims: { sub: 'u1', 'cognito:groups': '[administrators]' } }));
    expect(caller).toEqual({ sub: 'u1', email: undefined, groups: ['administrators'], isAdmin: false, isCanary: false });
  });

  it('identifies the caller from the JWT claims', () => {
    const caller = http.callerOf(httpEvent('GET', '/x', '/x', { claims: { ...ADMIN, 'cognito:groups': '[players admin]' } }));
    expect(caller).toEqual({ sub: ADMIN.sub, email: ADMIN.email, groups: ['players', 'admin'], isAdmin: true, isCanary: false });
  });
});

describe('request parsing and validation', () => {
  it('answers 400 malformed_json for a body that is not JSON, and writes nothing', async () => {
    const res = parse(await createQuestion(post('/api/v1/question', '{"question": "x", options: [', ADMIN), ctx));
    expectError(res, 400, 'malformed_json');
    expect(ddb.calls()).toHaveLength(0);
  });

  it('answers 400 invalid_body with the fields that are wrong in details', async () => {
    const res = parse(
      await createQuestion(post('/api/v1/question', { question: 42, options: 'Mars', answer: 'two', extra: true }, ADMIN), ctx),
    );
    const error = expectError(res, 400, 'invalid_body');
    const details = error.details as { formErrors: string[]; fieldErrors: Record<string, string[]> };
    expect(Object.keys(details.fieldErrors).sort()).toEqual(['answer', 'options', 'question']);
    expect(details.formErrors.join(' ')).toMatch(/extra/);
    expect(ddb.calls()).toHaveLength(0);
  });

  it('answers 400 invalid_body for a missing body', async () => {
    const res = parse(await createQuestion(httpEvent('POST', '/api/v1/question', '/api/v1/question', { claims: ADMIN }), ctx));
    expectError(res, 400, 'invalid_body');
  });

  it('reads a base64-encoded body', async () => {
    ddb.on(PutCommand).resolves({});
    const event = httpEvent('POST', '/api/v1/question', '/api/v1/question/', { claims: ADMIN, body: { id: 'q-b64', ...validQuestion }, base64: true });
    const res = parse(await createQuestion(event, ctx));
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ id: 'q-b64', answer: '2' });
  });

  it('answers 413 body_too_large for a body over 16 KiB, before parsing it', async () => {
    const big = JSON.stringify({ ...validQuestion, question: 'x'.repeat(16 * 1024) });
    expect(Buffer.byteLength(big)).toBeGreaterThan(16 * 1024);
    const res = parse(await createQuestion(post('/api/v1/question', big, ADMIN), ctx));
    expectError(res, 413, 'body_too_large');
    expect(ddb.calls()).toHaveLength(0);
  });

  it('counts the limit in bytes, not characters', async () => {
    // 6,000 three-byte characters: under 16,384 characters, over 16,384 bytes.
    const big = JSON.stringify({ ...validQuestion, question: '€'.repeat(6000) });
    expect(big.length).toBeLessThan(16 * 1024);
    const res = parse(await createQuestion(post('/api/v1/question', big, ADMIN), ctx));
    expectError(res, 413, 'body_too_large');
  });
});

describe('authentication and authorization', () => {
  it('answers 401 unauthorized without claims (a direct invocation)', async () => {
    const res = parse(await createQuestion(post('/api/v1/question', validQuestion, null), ctx));
    expectError(res, 401, 'unauthorized');
    expect(ddb.calls()).toHaveLength(0);
  });

  it('answers 401 on a user route without claims', async () => {
    const res = parse(await getGame(getById('/api/v1/game/{id}', { id: 'g1' }, null), ctx));
    expectError(res, 401, 'unauthorized');
    expect(ddb.calls()).toHaveLength(0);
  });

  it('answers 403 admin_only to a player on an admin route, and writes nothing', async () => {
    const res = parse(await createQuestion(post('/api/v1/question', validQuestion, PLAYER), ctx));
    expectError(res, 403, 'admin_only');
    expect(ddb.calls()).toHaveLength(0);
  });

  it('answers 403 admin_only to a player in other groups', async () => {
    const res = parse(await getQuestion(getById('/api/v1/question/{id}', { id: 'q1' }, { sub: 'p9', 'cognito:groups': '[players beta]' }), ctx));
    expectError(res, 403, 'admin_only');
  });

  it('lets an admin in whose groups come as "[players admin]"', async () => {
    ddb.on(GetCommand).resolves({ Item: { id: 'q1', question: 'Q?', options: ['a', 'b'], answer: 1, created_at: NOW, fingerprint: 'f' } });
    const res = parse(await getQuestion(getById('/api/v1/question/{id}', { id: 'q1' }, { sub: 'a2', 'cognito:groups': '[players admin]' }), ctx));
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ id: 'q1', question: 'Q?', options: ['a', 'b'], answer: '1', created_at: NOW });
  });

  it('serves the health route without any claims', async () => {
    const res = parse(await health(httpEvent('GET', '/api/v1/health', '/api/v1/health', { claims: null }), ctx));
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ status: 'ok', version: '9.9.9-test', server_time: NOW });
    expect(res.headers?.['cache-control']).toBe('no-store');
  });
});

describe('unknown ids', () => {
  it('answers 404 question_not_found', async () => {
    ddb.on(GetCommand).resolves({});
    const res = parse(await getQuestion(getById('/api/v1/question/{id}', { id: 'nope' }, ADMIN), ctx));
    const error = expectError(res, 404, 'question_not_found');
    expect(error.message).toContain('nope');
    expect(ddb.commandCalls(GetCommand)[0].args[0].input).toMatchObject({ TableName: TABLES.questions, Key: { id: 'nope' } });
  });

  it('answers 404 game_not_found', async () => {
    ddb.on(GetCommand).resolves({});
    const res = parse(await getGame(getById('/api/v1/game/{id}', { id: 'g-missing' }), ctx));
    expectError(res, 404, 'game_not_found');
    expect(ddb.commandCalls(GetCommand)[0].args[0].input).toMatchObject({ TableName: TABLES.games, Key: { id: 'g-missing' } });
  });

  it('answers 404 episode_not_found', async () => {
    ddb.on(GetCommand).resolves({});
    const res = parse(await getEpisode(getById('/api/v1/episode/{id}', { id: 'ep-missing' }), ctx));
    expectError(res, 404, 'episode_not_found');
    expect(ddb.commandCalls(GetCommand)[0].args[0].input).toMatchObject({ TableName: TABLES.episodes, Key: { id: 'ep-missing' } });
  });

  it('answers 400 invalid_path for an id that cannot exist, without reading', async () => {
    const res = parse(await getGame(getById('/api/v1/game/{id}', { id: 'has space' }), ctx));
    expectError(res, 400, 'invalid_path');
    expect(ddb.calls()).toHaveLength(0);
  });
});

describe('failures of the SDK', () => {
  it('answers 500 internal_error without a stack trace or the error text, and logs the error', async () => {
    const boom = new Error('socket hang up at DynamoDB endpoint secret-host.internal');
    ddb.on(GetCommand).rejects(boom);
    const logged = vi.spyOn(logger, 'error');
    const res = parse(await getQuestion(getById('/api/v1/question/{id}', { id: 'q1' }, ADMIN), ctx));
    const error = expectError(res, 500, 'internal_error');
    expect(error).toEqual({ code: 'internal_error', message: 'internal error' });
    expect(res.raw).not.toContain('socket hang up');
    expect(res.raw).not.toContain('secret-host');
    expect(res.raw).not.toMatch(/\bat .*\.(ts|js):\d+/);
    expect(res.raw).not.toContain('stack');
    expect(logged).toHaveBeenCalledWith('unhandled error', boom);
  });

  it('answers 429 throttled with retry-after for ProvisionedThroughputExceededException', async () => {
    ddb.on(GetCommand).rejects(
      new ProvisionedThroughputExceededException({ message: 'The level of configured provisioned throughput was exceeded', $metadata: {} }),
    );
    const res = parse(await getGame(getById('/api/v1/game/{id}', { id: 'g1' }), ctx));
    expectError(res, 429, 'throttled');
    expect(res.headers['retry-after']).toBe('1');
    expect(res.raw).not.toContain('provisioned throughput');
  });

  it('answers 429 throttled for a ThrottlingException by name', async () => {
    ddb.on(GetCommand).rejects(Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException' }));
    const res = parse(await getGame(getById('/api/v1/game/{id}', { id: 'g1' }), ctx));
    expectError(res, 429, 'throttled');
  });
});

describe('responses', () => {
  it('are JSON and not cacheable unless the route says so', async () => {
    ddb.on(GetCommand).resolves({ Item: { id: 'g1', qset: ['q1'], created_at: NOW } });
    const res = parse(await getGame(getById('/api/v1/game/{id}', { id: 'g1' }), ctx));
    expect(res.status).toBe(200);
    expect(res.headers).toMatchObject({ 'content-type': 'application/json', 'cache-control': 'no-store' });
    expect(res.body).toEqual({ id: 'g1', qset: ['q1'], created_at: NOW });
  });
});
