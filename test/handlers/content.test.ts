/**
 * The producers' routes: questions, games and episodes. Create-once semantics (client ids, idempotent repeats,
 * conflicts) and the checks that keep impossible content out of the tables.
 * Handlers (lambda/): http/createQuestion, http/createGame, http/createEpisode.
 */
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { mockClient } from 'aws-sdk-client-mock';
import { BatchGetCommand, DynamoDBDocumentClient, GetCommand, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { ADMIN, NOW, TABLES, conditionalCheckFailed, expectError, lambdaContext, parse, post, question, isolateEachTest } from './support.ts';
import { loadHandlers } from './loadHandlers.ts';

const ddb = mockClient(DynamoDBDocumentClient);
const ctx = lambdaContext();

const { createQuestion, createGame, createEpisode } = loadHandlers(['createQuestion', 'createGame', 'createEpisode']);

isolateEachTest({ mocks: [ddb] });
beforeEach(() => {
  // No other episode is running (rule 6 across episodes reads the `live` index).
  ddb.on(QueryCommand, { TableName: TABLES.episodes, IndexName: 'live' }).resolves({ Items: [] });
});

const puts = () => ddb.commandCalls(PutCommand).map((c) => c.args[0].input);

describe('POST /api/v1/question/', () => {
  const body = { question: 'Which planet is largest?', options: ['Mars', 'Venus', 'Jupiter'], answer: '2' };

  it('answers 201 with the stored question, the answer "2" stored as the number 2 and echoed as the string "2"', async () => {
    ddb.on(PutCommand).resolves({});
    const res = parse(await createQuestion(post('/api/v1/question', body, ADMIN), ctx));
    expect(res.status).toBe(201);
    const id = res.body.id as string;
    expect(id).toMatch(/^[0-9a-f-]{36}$/);
    // created_by / updated_by: the admin who wrote it (audit, docs/SECURITY.md).
    expect(res.body).toEqual({ id, question: 'Which planet is largest?', options: ['Mars', 'Venus', 'Jupiter'], answer: '2', created_at: NOW, created_by: ADMIN.sub, updated_by: ADMIN.sub });
    expect(puts()).toHaveLength(1);
    const put = puts()[0];
    expect(put.TableName).toBe(TABLES.questions);
    expect(put.ConditionExpression).toBe('attribute_not_exists(id)');
    expect(put.Item).toMatchObject({ id, answer: 2, options: ['Mars', 'Venus', 'Jupiter'], created_at: NOW, created_by: ADMIN.sub, updated_by: ADMIN.sub });
    expect(typeof put.Item?.answer).toBe('number');
    expect(put.Item?.fingerprint).toMatch(/^[0-9a-f]{64}$/);
    // The fingerprint is internal: it never reaches the client.
    expect(res.raw).not.toContain('fingerprint');
  });

  it('honours a client-chosen id', async () => {
    ddb.on(PutCommand).resolves({});
    const res = parse(await createQuestion(post('/api/v1/question', { id: 'q-planets-1', ...body, answer: 0 }, ADMIN), ctx));
    expect(res.status).toBe(201);
    expect(res.body.id).toBe('q-planets-1');
    expect(res.body.answer).toBe('0');
    expect(puts()[0].Item?.id).toBe('q-planets-1');
  });

  it('answers 200 with the stored question when the same id comes again with the same body', async () => {
    ddb.on(PutCommand).resolvesOnce({});
    const first = parse(await createQuestion(post('/api/v1/question', { id: 'q-same', ...body }, ADMIN), ctx));
    expect(first.status).toBe(201);
    const stored = puts()[0].Item as Record<string, unknown>;

    // The second attempt loses the conditional put; the stored item has the same fingerprint. "2" and 2 mean the same.
    ddb.on(PutCommand).rejects(conditionalCheckFailed());
    ddb.on(GetCommand, { TableName: TABLES.questions, Key: { id: 'q-same' } }).resolves({ Item: stored });
    vi.setSystemTime(NOW + 5000);
    const second = parse(await createQuestion(post('/api/v1/question', { id: 'q-same', ...body, answer: 2 }, ADMIN), ctx));
    expect(second.status).toBe(200);
    expect(second.body).toEqual({ id: 'q-same', question: body.question, options: body.options, answer: '2', created_at: NOW, created_by: ADMIN.sub, updated_by: ADMIN.sub });
    expect(ddb.commandCalls(GetCommand)[0].args[0].input).toMatchObject({ ConsistentRead: true });
  });

  it('answers 409 id_conflict when the same id comes with a different body', async () => {
    ddb.on(PutCommand).resolvesOnce({});
    await createQuestion(post('/api/v1/question', { id: 'q-taken', ...body }, ADMIN), ctx);
    const stored = puts()[0].Item as Record<string, unknown>;

    ddb.on(PutCommand).rejects(conditionalCheckFailed());
    ddb.on(GetCommand).resolves({ Item: stored });
    const res = parse(await createQuestion(post('/api/v1/question', { id: 'q-taken', ...body, answer: 1 }, ADMIN), ctx));
    const error = expectError(res, 409, 'id_conflict');
    expect(error.message).toContain('q-taken');
  });

  it.each([
    ['3 with three options', ['a', 'b', 'c'], 3],
    ['"7" with two options', ['a', 'b'], '7'],
  ])('answers 422 answer_out_of_range for an answer index %s, and sends no PutCommand', async (_label, options, answer) => {
    const res = parse(await createQuestion(post('/api/v1/question', { question: 'Q?', options, answer }, ADMIN), ctx));
    const error = expectError(res, 422, 'answer_out_of_range');
    expect(error.message).toContain(`0 to ${options.length - 1}`);
    expect(ddb.commandCalls(PutCommand)).toHaveLength(0);
    expect(ddb.calls()).toHaveLength(0);
  });

  it('answers 400 invalid_body for one option or five, and for a negative answer', async () => {
    for (const bad of [
      { question: 'Q?', options: ['only'], answer: 0 },
      { question: 'Q?', options: ['a', 'b', 'c', 'd', 'e'], answer: 0 },
      { question: 'Q?', options: ['a', 'b'], answer: -1 },
      { question: 'Q?', options: ['a', 'b'], answer: '1.0' },
    ]) {
      expectError(parse(await createQuestion(post('/api/v1/question', bad, ADMIN), ctx)), 400, 'invalid_body');
    }
    expect(ddb.calls()).toHaveLength(0);
  });

  it('stores translations filed by language tag', async () => {
    ddb.on(PutCommand).resolves({});
    const translations = { de: { question: 'Welcher Planet ist am größten?', options: ['Mars', 'Venus', 'Jupiter'] } };
    const res = parse(await createQuestion(post('/api/v1/question', { ...body, translations }, ADMIN), ctx));
    expect(res.status).toBe(201);
    expect(res.body.translations).toEqual(translations);
    expect(puts()[0].Item?.translations).toEqual(translations);
  });

  it('answers 422 translation_options_mismatch for a translation with another number of options, and 400 for a bad tag; stores nothing', async () => {
    const fewer = { ...body, translations: { de: { question: 'Welcher?', options: ['Mars', 'Venus'] } } };
    expectError(parse(await createQuestion(post('/api/v1/question', fewer, ADMIN), ctx)), 422, 'translation_options_mismatch');
    const badTag = { ...body, translations: { German: { question: 'Welcher?', options: ['a', 'b', 'c'] } } };
    expectError(parse(await createQuestion(post('/api/v1/question', badTag, ADMIN), ctx)), 400, 'invalid_body');
    const emptyOption = { ...body, translations: { de: { question: 'Welcher?', options: ['a', '', 'c'] } } };
    expectError(parse(await createQuestion(post('/api/v1/question', emptyOption, ADMIN), ctx)), 400, 'invalid_body');
    expect(ddb.calls()).toHaveLength(0);
  });
});

describe('POST /api/v1/game/', () => {
  it('answers 201 with the game when every question exists', async () => {
    ddb.on(BatchGetCommand).resolves({ Responses: { [TABLES.questions]: [question('q1'), question('q2')] } });
    ddb.on(PutCommand).resolves({});
    const res = parse(await createGame(post('/api/v1/game', { id: 'g-1', qset: ['q1', 'q2'], title: 'Friday' }, ADMIN), ctx));
    expect(res.status).toBe(201);
    expect(res.body).toEqual({ id: 'g-1', qset: ['q1', 'q2'], title: 'Friday', created_at: NOW, created_by: ADMIN.sub, updated_by: ADMIN.sub });
    expect(ddb.commandCalls(BatchGetCommand)[0].args[0].input.RequestItems).toEqual({ [TABLES.questions]: { Keys: [{ id: 'q1' }, { id: 'q2' }] } });
    expect(puts()).toHaveLength(1);
    expect(puts()[0]).toMatchObject({ TableName: TABLES.games, ConditionExpression: 'attribute_not_exists(id)', Item: { id: 'g-1', qset: ['q1', 'q2'] } });
  });

  it('answers 422 unknown_questions listing the missing ids, and writes nothing', async () => {
    ddb.on(BatchGetCommand).resolves({ Responses: { [TABLES.questions]: [question('q1')] } });
    const res = parse(await createGame(post('/api/v1/game', { qset: ['q1', 'q-gone', 'q-never'] }, ADMIN), ctx));
    const error = expectError(res, 422, 'unknown_questions');
    expect(error.details).toEqual({ missing: ['q-gone', 'q-never'] });
    expect(ddb.commandCalls(PutCommand)).toHaveLength(0);
  });

  it('asks again for keys DynamoDB left unprocessed', async () => {
    ddb
      .on(BatchGetCommand)
      .resolvesOnce({ Responses: { [TABLES.questions]: [question('q1')] }, UnprocessedKeys: { [TABLES.questions]: { Keys: [{ id: 'q2' }] } } })
      .resolves({ Responses: { [TABLES.questions]: [question('q2')] } });
    ddb.on(PutCommand).resolves({});
    const res = parse(await createGame(post('/api/v1/game', { id: 'g-2', qset: ['q1', 'q2'] }, ADMIN), ctx));
    expect(res.status).toBe(201);
    expect(ddb.commandCalls(BatchGetCommand)).toHaveLength(2);
  });
});

describe('POST /api/v1/episode/', () => {
  const game = { id: 'g1', qset: ['q1', 'q2', 'q3'], title: 'Friday Night', created_at: NOW - 3_600_000, fingerprint: 'abc' };

  it('answers 201, copying qset from the game and applying the defaults', async () => {
    ddb.on(GetCommand, { TableName: TABLES.games }).resolves({ Item: game });
    ddb.on(PutCommand).resolves({});
    const res = parse(await createEpisode(post('/api/v1/episode', { id: 'ep-fri', game_id: 'g1' }, ADMIN), ctx));
    expect(res.status).toBe(201);
    // Stored with its author (audit); the episode view players read does not carry it.
    expect(ddb.commandCalls(PutCommand)[0].args[0].input.Item).toMatchObject({ id: 'ep-fri', created_by: ADMIN.sub, updated_by: ADMIN.sub });
    expect(res.body).not.toHaveProperty('created_by');
    expect(res.body).toMatchObject({
      id: 'ep-fri',
      game_id: 'g1',
      title: 'Friday Night',
      state: 'CREATED',
      qset: ['q1', 'q2', 'q3'],
      min_participant: 2,
      participant_count: 0,
      eliminated_count: 0,
      remaining_count: 0,
      current_question_index: -1,
      question_start_timestamp: 0,
      question_end_timestamp: 0,
      current_question: null,
      server_time: NOW,
      start_at: null,
      answer_window_seconds: 10,
      reveal_seconds: 5,
      lead_seconds: 60,
      created_at: NOW,
    });
    const put = puts()[0];
    expect(put.TableName).toBe(TABLES.episodes);
    expect(put.ConditionExpression).toBe('attribute_not_exists(id)');
    expect(put.Item).toMatchObject({
      id: 'ep-fri',
      qset: ['q1', 'q2', 'q3'],
      min_participant: 2,
      answer_window_ms: 10_000,
      reveal_ms: 5_000,
      lead_ms: 60_000,
      settle_ms: 2000,
      shard_count: 16,
      version: 0,
      finalized_index: -1,
      live: 'live',
    });
    // No question is read when the qset comes from the game, which was checked when it was created.
    expect(ddb.commandCalls(BatchGetCommand)).toHaveLength(0);
    expect(res.raw).not.toContain('"live"');
  });

  it('takes the settings and its own qset from the body', async () => {
    ddb.on(GetCommand, { TableName: TABLES.games }).resolves({ Item: game });
    ddb.on(BatchGetCommand).resolves({ Responses: { [TABLES.questions]: [question('q3'), question('q1')] } });
    ddb.on(PutCommand).resolves({});
    const body = { game_id: 'g1', qset: ['q3', 'q1'], min_participant: 1, answer_window_seconds: 5, reveal_seconds: 0, lead_seconds: 0, start_at: NOW + 3_600_000 };
    const res = parse(await createEpisode(post('/api/v1/episode', body, ADMIN), ctx));
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ qset: ['q3', 'q1'], min_participant: 1, answer_window_seconds: 5, reveal_seconds: 0, lead_seconds: 0, start_at: NOW + 3_600_000 });
    expect(puts()[0].Item).toMatchObject({ answer_window_ms: 5000, reveal_ms: 0, lead_ms: 0 });
  });

  it('answers 409 questions_in_use when a running episode shares a question, and writes nothing', async () => {
    ddb.on(GetCommand, { TableName: TABLES.games }).resolves({ Item: game });
    ddb.on(QueryCommand, { TableName: TABLES.episodes, IndexName: 'live' }).resolves({
      Items: [
        { id: 'ep-on-air', state: 'QUESTION_CLOSED', qset: ['q0', 'q2'] },
        { id: 'ep-later', state: 'CREATED', qset: ['q1'] },
      ],
    });
    const res = parse(await createEpisode(post('/api/v1/episode', { id: 'ep-sat', game_id: 'g1' }, ADMIN), ctx));
    const error = expectError(res, 409, 'questions_in_use');
    expect(error.details).toEqual({ episodes: [{ episode_id: 'ep-on-air', questions: ['q2'] }] });
    expect(ddb.commandCalls(PutCommand).filter((c) => c.args[0].input.TableName === TABLES.episodes)).toHaveLength(0);
  });

  it('answers 422 unknown_game and writes nothing', async () => {
    ddb.on(GetCommand).resolves({});
    const res = parse(await createEpisode(post('/api/v1/episode', { game_id: 'g-none' }, ADMIN), ctx));
    const error = expectError(res, 422, 'unknown_game');
    expect(error.message).toContain('g-none');
    expect(ddb.commandCalls(PutCommand)).toHaveLength(0);
  });

  it('answers 422 unknown_questions for a qset with missing ids, and writes nothing', async () => {
    ddb.on(GetCommand, { TableName: TABLES.games }).resolves({ Item: game });
    ddb.on(BatchGetCommand).resolves({ Responses: { [TABLES.questions]: [question('q1')] } });
    const res = parse(await createEpisode(post('/api/v1/episode', { game_id: 'g1', qset: ['q1', 'q-x'] }, ADMIN), ctx));
    expect(expectError(res, 422, 'unknown_questions').details).toEqual({ missing: ['q-x'] });
    expect(ddb.commandCalls(PutCommand)).toHaveLength(0);
  });

  it.each([
    [{ min_participant: 0 }],
    [{ answer_window_seconds: 0 }],
    [{ answer_window_seconds: 61 }],
    [{ reveal_seconds: 61 }],
    [{ lead_seconds: 3601 }],
    [{ min_participant: '2' }],
  ])('answers 400 invalid_body for %o, without reading', async (patch) => {
    const res = parse(await createEpisode(post('/api/v1/episode', { game_id: 'g1', ...patch }, ADMIN), ctx));
    expectError(res, 400, 'invalid_body');
    expect(ddb.calls()).toHaveLength(0);
  });
});
