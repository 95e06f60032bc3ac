/**
 * The edges a hostile client trips on (issue 17): each refused with a 4xx in the contract's shape, the message naming
 * the field and the rule, nothing written to the game's tables, and the rejection itself recordable in the errors table.
 * Handlers (lambda/): http/createQuestion, http/createGame, http/createEpisode, http/getEpisode, http/getGame, http/getStatistics,
 *  http/listQuestions, http/listErrors, http/updateMe, http/registerParticipant.
 */
import { describe, expect, it, vi } from 'vitest';
import { mockClient } from 'aws-sdk-client-mock';
import { DynamoDBDocumentClient, GetCommand, PutCommand, QueryCommand, ScanCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { marshall } from '@aws-sdk/util-dynamodb';
import { envNames } from '../../lambda/shared/resources.ts';
import { ADMIN, NOW, PLAYER, TABLES, episode, expectError, getById, httpEvent, isolateEachTest, errorTableItems, lambdaContext, parse, post } from './support.ts';
import { loadHandlers, clearEpisodeCache } from './loadHandlers.ts';

const ddb = mockClient(DynamoDBDocumentClient);
const ctx = lambdaContext();

const { createQuestion, createGame, createEpisode, getEpisode, getGame, getStatistics, listQuestions, listErrors, updateMe, registerParticipant } = loadHandlers(['createQuestion', 'createGame', 'createEpisode', 'getEpisode', 'getGame', 'getStatistics', 'listQuestions', 'listErrors', 'updateMe', 'registerParticipant'], { [envNames.table('errors')]: TABLES.errors });

isolateEachTest({ mocks: [ddb], clearEpisodeCache, quiet: ['warn', 'error', 'log'] });

/** Every write the handlers sent, except the records of their own rejections. */
const gameWrites = () =>
  ddb.calls().filter((c) => {
    const input = c.args[0].input as { TableName?: string };
    return c.args[0] instanceof PutCommand || c.args[0] instanceof UpdateCommand ? input.TableName !== TABLES.errors : false;
  });
const errorRecords = () => errorTableItems(ddb);

const validQuestion = { question: 'Which planet is largest?', options: ['Mars', 'Venus', 'Jupiter'], answer: '2' };
const postQuestion = async (body: unknown) => parse(await createQuestion(post('/api/v1/question', body, ADMIN), ctx));

describe('text people read', () => {
  it.each([
    ['the same option twice', ['a', 'a'], /options: options must be distinct/],
    ['the same option in another case', ['Paris', 'PARIS'], /options must be distinct/],
    ['an option of zero-width spaces only', ['a', '\u200b\u200b'], /options\.1: at least one visible character/],
    ['an option with a NUL', ['a', 'b\u0000c'], /options\.1: no control characters/],
    ['an option with a newline', ['a', 'b\nc'], /options\.1: no control characters/],
    ['an option with a right-to-left override', ['a', '\u202Eevil'], /options\.1: no bidirectional override/],
  ])('refuses %s with 400 invalid_body naming the field, and stores nothing', async (_name, options, message) => {
    const error = expectError(await postQuestion({ ...validQuestion, options, answer: 0 }), 400, 'invalid_body');
    expect(error.message).toMatch(message);
    expect(gameWrites()).toHaveLength(0);
  });

  it('keeps newlines inside a question text, but not other control characters', async () => {
    ddb.on(PutCommand).resolves({});
    expect((await postQuestion({ ...validQuestion, question: 'Line one\nline two?' })).status).toBe(201);
    const error = expectError(await postQuestion({ ...validQuestion, question: 'Bell\u0007?' }), 400, 'invalid_body');
    expect(error.message).toMatch(/^invalid input: question: no control characters/);
  });

  it('refuses a nickname with a bidirectional override or a control character, and a blank one', async () => {
    for (const nickname of ['ann\u202Enimda', 'ann\u2066x', 'a\tb', '\u200b']) {
      const error = expectError(parse(await updateMe(httpEvent('PUT', '/api/v1/user/me', '/api/v1/user/me', { body: { nickname } }), ctx)), 400, 'invalid_body');
      expect(error.message).toMatch(/^invalid input: nickname: /);
    }
    expect(gameWrites()).toHaveLength(0);
  });

  it('refuses a game title with control characters', async () => {
    const res = parse(await createGame(post('/api/v1/game', { qset: ['q1'], title: 'Friday\u0000' }, ADMIN), ctx));
    expect(expectError(res, 400, 'invalid_body').message).toMatch(/title: no control characters/);
  });
});

describe('ids', () => {
  it.each(['.', '..', '-x', '_x', 'a/b', 'a b', 'x'.repeat(129)])('refuses the question id %j with 400 invalid_body', async (id) => {
    const error = expectError(await postQuestion({ id, ...validQuestion }), 400, 'invalid_body');
    expect(error.message).toMatch(/^invalid input: id: /);
    expect(gameWrites()).toHaveLength(0);
  });

  it('refuses the path ids "." and ".." with 400 invalid_path, without reading', async () => {
    for (const id of ['.', '..']) expectError(parse(await getGame(getById('/api/v1/game/{id}', { id }), ctx)), 400, 'invalid_path');
    expect(ddb.commandCalls(GetCommand)).toHaveLength(0);
  });

  it('refuses "." as an episode to register for', async () => {
    const res = parse(await registerParticipant(post('/api/v1/participant', { episode_id: '.' }, PLAYER), ctx));
    expectError(res, 400, 'invalid_body');
  });

  it.each(['ep.1', 'ep_1', 'ep:1', 'e'.repeat(51)])('refuses the episode id %j with 422 invalid_episode_id (it names the live channel)', async (id) => {
    const res = parse(await createEpisode(post('/api/v1/episode', { id, game_id: 'g1' }, ADMIN), ctx));
    expect(expectError(res, 422, 'invalid_episode_id').message).toMatch(/^id: /);
    expect(gameWrites()).toHaveLength(0);
  });
});

describe('episode timings', () => {
  it('refuses a start_at in the past (1970) with 422 start_at_in_past', async () => {
    const res = parse(await createEpisode(post('/api/v1/episode', { game_id: 'g1', start_at: 0 }, ADMIN), ctx));
    expect(expectError(res, 422, 'start_at_in_past').message).toMatch(/^start_at: /);
    expect(gameWrites()).toHaveLength(0);
  });

  it('accepts a start_at within a minute of the server clock (clock skew)', async () => {
    ddb.on(GetCommand, { TableName: TABLES.games }).resolves({ Item: { id: 'g1', qset: ['q1'], created_at: 1 } });
    // No running episode shares its questions (rule 6 across episodes).
    ddb.on(QueryCommand, { TableName: TABLES.episodes }).resolves({ Items: [] });
    ddb.on(PutCommand).resolves({});
    const res = parse(await createEpisode(post('/api/v1/episode', { game_id: 'g1', start_at: NOW - 59_000 }, ADMIN), ctx));
    expect(res.status).toBe(201);
  });

  it.each(['answer_window_seconds', 'reveal_seconds', 'lead_seconds'])('refuses a fractional %s (timings are whole seconds)', async (field) => {
    const res = parse(await createEpisode(post('/api/v1/episode', { game_id: 'g1', [field]: 2.5 }, ADMIN), ctx));
    expect(expectError(res, 400, 'invalid_body').message).toContain(`${field}: `);
  });
});

describe('path indexes', () => {
  it.each([' ', '0x0', '1e0', '+1', '-0', '1.0', '99999999999999999999', '100'])('refuses the index %j with 400 invalid_path, without reading', async (index) => {
    const res = parse(await getStatistics(getById('/api/v1/episode/{id}/question/{index}/statistics', { id: 'ep1', index }), ctx));
    expectError(res, 400, 'invalid_path');
    expect(ddb.commandCalls(GetCommand)).toHaveLength(0);
  });

  it('records the rejection of an out-of-range index in a form DynamoDB can store', async () => {
    ddb.on(PutCommand).resolves({});
    // Past the sampler's quiet time for invalid_path, which the cases above used up (lambda/store/errorRecords.ts).
    vi.setSystemTime(NOW + 60_000);
    const event = getById('/api/v1/episode/{id}/question/{index}/statistics', { id: 'ep1', index: '99999999999999999999' });
    expectError(parse(await getStatistics(event, ctx)), 400, 'invalid_path');
    const [record] = errorRecords();
    expect(record).toMatchObject({ reason: 'invalid_path', episode_id: 'ep1' });
    expect(record.question_index).toBeUndefined();
    // What the document client does before the put: it throws for a number it cannot represent exactly.
    expect(() => marshall(record, { removeUndefinedValues: true })).not.toThrow();
  });

  it('records the rejection of a path id too long to be a key, without the id', async () => {
    ddb.on(PutCommand).resolves({});
    vi.setSystemTime(NOW + 120_000);
    const id = 'e'.repeat(3000);
    expectError(parse(await getStatistics(getById('/api/v1/episode/{id}/question/{index}/statistics', { id, index: '0' }), ctx)), 400, 'invalid_path');
    const [record] = errorRecords();
    expect(record).toMatchObject({ reason: 'invalid_path' });
    expect(record.episode_id).toBeUndefined();
  });

  it('still reads a plain digits index', async () => {
    ddb.on(GetCommand, { TableName: TABLES.episodes }).resolves({ Item: episode({ id: 'ep1', finalized_index: -1 }) });
    const res = parse(await getStatistics(getById('/api/v1/episode/{id}/question/{index}/statistics', { id: 'ep1', index: '00' }), ctx));
    expectError(res, 409, 'statistics_not_ready');
  });
});

describe('query parameters', () => {
  const list = (query: Record<string, string>) =>
    listQuestions(httpEvent('GET', '/api/v1/question', '/api/v1/question', { claims: ADMIN, query }), ctx).then(parse);

  it('refuses an unknown parameter of a listing with 400 invalid_query naming it', async () => {
    const error = expectError(await list({ cursor: 'abc' }), 400, 'invalid_query');
    expect(error.message).toMatch(/cursor/);
    expect(ddb.commandCalls(ScanCommand)).toHaveLength(0);
  });

  it('refuses any parameter on a route that takes none', async () => {
    const event = httpEvent('GET', '/api/v1/episode/{id}', '/api/v1/episode/ep1', { query: { verbose: '1' } });
    event.pathParameters = { id: 'ep1' };
    expect(expectError(parse(await getEpisode(event, ctx)), 400, 'invalid_query').message).toMatch(/verbose/);
  });

  it('refuses an unknown parameter of GET /api/v1/errors', async () => {
    const res = parse(await listErrors(httpEvent('GET', '/api/v1/errors', '/api/v1/errors', { claims: ADMIN, query: { reasons: 'x' } }), ctx));
    expectError(res, 400, 'invalid_query');
  });
});

describe('page cursors', () => {
  const list = (query: Record<string, string>) =>
    listQuestions(httpEvent('GET', '/api/v1/question', '/api/v1/question', { claims: ADMIN, query }), ctx).then(parse);
  const base64url = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

  it('hands out an opaque cursor that brings back the next page', async () => {
    ddb.on(ScanCommand).resolvesOnce({ Items: [{ id: 'q1', question: 'Q?', options: ['a', 'b'], answer: 1, created_at: 1 }], LastEvaluatedKey: { id: 'q1' } });
    const first = await list({ limit: '1' });
    expect(first.status).toBe(200);
    const next = first.body.next as string;
    // Signed: the bare key (what the listing handed out before) is not a cursor any more.
    expect(next).not.toBe(base64url({ id: 'q1' }));
    expect(next.split('.')).toHaveLength(2);
    ddb.on(ScanCommand).resolves({ Items: [] });
    expect((await list({ limit: '1', next })).status).toBe(200);
    expect(ddb.commandCalls(ScanCommand)[1].args[0].input.ExclusiveStartKey).toEqual({ id: 'q1' });
  });

  it.each([
    ['a forged unsigned cursor (the 500 of issue 17)', base64url({ id: '' })],
    ['a cursor with a 1,500-character id', base64url({ id: 'x'.repeat(1500) })],
    ['garbage', 'not-a-cursor'],
    ['a signature without a payload', '.abc'],
  ])('refuses %s with 400 invalid_cursor, without scanning', async (_name, next) => {
    expectError(await list({ next }), 400, 'invalid_cursor');
    expect(ddb.commandCalls(ScanCommand)).toHaveLength(0);
  });

  it('refuses a cursor whose payload was edited after signing', async () => {
    ddb.on(ScanCommand).resolvesOnce({ Items: [{ id: 'q1', question: 'Q?', options: ['a', 'b'], answer: 1, created_at: 1 }], LastEvaluatedKey: { id: 'q1' } });
    const next = (await list({ limit: '1' })).body.next as string;
    const [, signature] = next.split('.');
    expectError(await list({ next: `${base64url({ id: 'q2' })}.${signature}` }), 400, 'invalid_cursor');
    expect(ddb.commandCalls(ScanCommand)).toHaveLength(1);
  });
});

describe('media types', () => {
  const withContentType = (contentType: string | undefined) => {
    const event = post('/api/v1/question', validQuestion, ADMIN);
    const headers = { ...event.headers };
    delete headers['content-type'];
    event.headers = contentType === undefined ? headers : { ...headers, 'content-type': contentType };
    return event;
  };

  it.each([['text/plain'], ['application/x-www-form-urlencoded'], [undefined]])('answers 415 unsupported_media_type for a body sent as %s', async (type) => {
    expectError(parse(await createQuestion(withContentType(type), ctx)), 415, 'unsupported_media_type');
    expect(gameWrites()).toHaveLength(0);
  });

  it('takes application/json with a charset, in any case', async () => {
    ddb.on(PutCommand).resolves({});
    expect(parse(await createQuestion(withContentType('Application/JSON; charset=utf-8'), ctx)).status).toBe(201);
  });
});
