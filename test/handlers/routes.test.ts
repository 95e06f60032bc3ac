/**
 * The remaining routes: question statistics, cancelling an episode, the report, and the user's own profile.
 * Handlers (lambda/): http/getStatistics, http/cancelEpisode, http/getReport, http/getMe, http/updateMe.
 */
import { describe, expect, it } from 'vitest';
import { mockClient } from 'aws-sdk-client-mock';
import { BatchGetCommand, DynamoDBDocumentClient, GetCommand, PutCommand, QueryCommand, UpdateCommand, type QueryCommandInput } from '@aws-sdk/lib-dynamodb';
import type { Episode } from '../../lambda/domain/schemas.ts';
import {
  ADMIN,
  NOW,
  PLAYER,
  TABLES,
  conditionalCheckFailed,
  episode,
  episodesTableFake,
  liveChannel,
  expectError,
  getById,
  httpEvent,
  lambdaContext,
  openEpisode,
  parse,
  setFields,
  isolateEachTest,
} from './support.ts';
import { loadHandlers, clearEpisodeCache } from './loadHandlers.ts';
import { storedStatistics } from '../support/statistics.ts';

const ddb = mockClient(DynamoDBDocumentClient);
const ctx = lambdaContext();

const { getStatistics, cancelEpisode, getReport, getMe, updateMe } = loadHandlers(['getStatistics', 'cancelEpisode', 'getReport', 'getMe', 'updateMe']);

isolateEachTest({ mocks: [ddb], clearEpisodeCache });

const episodeIs = (e: Episode) => ddb.on(GetCommand, { TableName: TABLES.episodes, Key: { id: e.id } }).resolves({ Item: { ...e, live: 'live' } });

const finalStats = (questionIndex: number) => ({
  pk: `ep1#q${questionIndex}`,
  sk: 'final',
  ...storedStatistics({ counts: [1, 3, 0], correct: 1, playersBefore: 5, questionIndex }, { start: NOW - 30_000, end: NOW - 20_000, finalizedAt: NOW - 17_500 }),
});

describe('GET /api/v1/episode/{id}/question/{index}/statistics', () => {
  const read = (index: string) => getStatistics(getById('/api/v1/episode/{id}/question/{index}/statistics', { id: 'ep1', index }), ctx).then(parse);

  it('answers 409 statistics_not_ready while the question is open, without reading statistics', async () => {
    episodeIs(openEpisode(0));
    expectError(await read('0'), 409, 'statistics_not_ready');
    expect(ddb.commandCalls(GetCommand, { TableName: TABLES.statistics })).toHaveLength(0);
  });

  it('answers 404 for an index past the episode’s questions, and 400 for a malformed one', async () => {
    episodeIs(openEpisode(0));
    expectError(await read('3'), 404, 'question_not_found');
    expectError(await read('x'), 400, 'invalid_path');
  });

  it('answers 200 with the final statistics once the question is finalized, one count per option', async () => {
    episodeIs({ ...openEpisode(0, 20_000), state: 'QUESTION_CLOSED', finalized_index: 0 });
    ddb.on(GetCommand, { TableName: TABLES.statistics, Key: { pk: 'ep1#q0', sk: 'final' } }).resolves({ Item: finalStats(0) });
    const res = await read('0');
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      question_index: 0,
      question_id: 'q1',
      correct_answer: '1',
      answer_counts: finalStats(0).answer_counts,
      advancing_count: 3,
      eliminated_count: 2,
    });
    expect(res.body).not.toHaveProperty('episode_id');
    expect(res.body).not.toHaveProperty('pk');
    expect(res.headers['cache-control']).toBe('public, max-age=60');
  });
});

describe('POST /api/v1/episode/{id}/cancel', () => {
  const cancel = (claims = ADMIN) =>
    cancelEpisode(httpEvent('POST', '/api/v1/episode/{id}/cancel', '/api/v1/episode/ep1/cancel', { claims, pathParameters: { id: 'ep1' } }), ctx).then(parse);

  it('cancels with a conditional write, takes the episode off the live index and tells its channel', async () => {
    episodesTableFake(ddb, episode({ participant_count: 1, version: 4, seq: 2, published_seq: 2 }));
    const channel = liveChannel();
    const res = await cancel();
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ id: 'ep1', state: 'CANCELLED', ended_at: NOW, end_reason: 'cancelled' });
    const update = ddb.commandCalls(UpdateCommand)[0].args[0].input;
    expect(update.ConditionExpression).toBe('#version = :expected');
    expect(update.ExpressionAttributeValues?.[':expected']).toBe(4);
    // The cancelling admin is recorded (audit); the runner's own steps record nobody.
    expect(setFields(update)).toMatchObject({ state: 'CANCELLED', version: 5, updated_by: ADMIN.sub, updated_at: NOW });
    expect(update.UpdateExpression).toMatch(/ REMOVE .*#live/);
    expect(ddb.commandCalls(GetCommand)[0].args[0].input.ConsistentRead).toBe(true);
    expect(channel.events()).toEqual([expect.objectContaining({ type: 'episode.cancelled', seq: 3, server_time: NOW })]);
  });

  it('answers 409 episode_over for an ended episode, and 409 episode_moved when it lost the race', async () => {
    episodeIs(episode({ state: 'ENDED', ended_at: NOW - 1, end_reason: 'last_question' }));
    expectError(await cancel(), 409, 'episode_over');
    expect(ddb.commandCalls(UpdateCommand)).toHaveLength(0);

    ddb.reset();
    episodeIs(episode());
    ddb.on(UpdateCommand).rejects(conditionalCheckFailed());
    expectError(await cancel(), 409, 'episode_moved');
  });

  it('is for admins only', async () => {
    expectError(await cancel(PLAYER), 403, 'admin_only');
    expect(ddb.calls()).toHaveLength(0);
  });
});

describe('GET /api/v1/report/episode/{id}', () => {
  it('lists the winners (right answers to the last question), per-question statistics and the survival curve', async () => {
    episodeIs(
      episode({
        state: 'ENDED',
        qset: ['q1', 'q2'],
        participant_count: 5,
        eliminated_count: 3,
        current_question_index: 1,
        finalized_index: 1,
        started_at: NOW - 100_000,
        ended_at: NOW - 10_000,
        end_reason: 'last_question',
      }),
    );
    ddb.on(GetCommand, { TableName: TABLES.statistics, Key: { pk: 'ep1#q0', sk: 'final' } }).resolves({ Item: finalStats(0) });
    ddb
      .on(GetCommand, { TableName: TABLES.statistics, Key: { pk: 'ep1#q1', sk: 'final' } })
      .resolves({ Item: { ...finalStats(1), advancing_count: 2, eliminated_count: 1, players_before: 3 } });
    ddb.on(QueryCommand, { TableName: TABLES.responses }).callsFake((input: QueryCommandInput) => {
      const pk = input.ExpressionAttributeValues?.[':pk'];
      const winners = [
        { pk: 'ep1#1#3', user_id: 'u-b', correct: true },
        { pk: 'ep1#1#9', user_id: 'u-a', correct: true },
      ];
      return { Items: winners.filter((w) => w.pk === pk) };
    });
    ddb.on(BatchGetCommand).resolves({ Responses: { [TABLES.users]: [{ id: 'u-a', nickname: 'Ada', created_at: 1 }] } });
    // The report's key events number players by registration (test/handlers/events.test.ts covers them).
    ddb.on(QueryCommand, { TableName: TABLES.participants }).resolves({ Items: [] });

    const res = parse(await getReport(getById('/api/v1/report/episode/{id}', { id: 'ep1' }, ADMIN), ctx));
    expect(res.status).toBe(200);
    expect(res.body.winners_count).toBe(2);
    expect(res.body.winners).toEqual([
      { user_id: 'u-a', nickname: 'Ada', display_name: 'Ada' },
      // No profile yet: the display name is the one the profile would start with.
      { user_id: 'u-b', nickname: null, display_name: 'player-u-b' },
    ]);
    expect(res.body.survival_curve).toEqual([
      { after_question: -1, remaining: 5 },
      { after_question: 0, remaining: 3 },
      { after_question: 1, remaining: 2 },
    ]);
    expect((res.body.questions as unknown[]).length).toBe(2);
    expect(res.body.timings).toMatchObject({ started_at: NOW - 100_000, ended_at: NOW - 10_000, duration_ms: 90_000 });
    // Sixteen shards of the last question, each queried for right answers only, and at most the named 1000 and one more.
    const queries = ddb.commandCalls(QueryCommand).map((c) => c.args[0].input).filter((q) => q.FilterExpression);
    expect(queries).toHaveLength(16);
    for (const q of queries) expect(q).toMatchObject({ FilterExpression: 'correct = :yes', Limit: 1001 });
    expect(res.body.winners_next).toBeUndefined();
  });
});

describe('GET and PUT /api/v1/user/me', () => {
  it('creates the profile on first sight with a nickname from the email', async () => {
    ddb.on(GetCommand).resolves({});
    ddb.on(PutCommand).resolves({});
    const res = parse(await getMe(httpEvent('GET', '/api/v1/user/me', '/api/v1/user/me', { claims: PLAYER }), ctx));
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ id: PLAYER.sub, nickname: 'player1', created_at: NOW });
    expect(ddb.commandCalls(PutCommand)[0].args[0].input).toMatchObject({ TableName: TABLES.users, ConditionExpression: 'attribute_not_exists(id)' });
  });

  it('sets the nickname of the caller only', async () => {
    ddb.on(UpdateCommand).resolves({ Attributes: { id: PLAYER.sub, nickname: 'Quizzy', created_at: NOW - 5 } });
    const res = parse(await updateMe(httpEvent('PUT', '/api/v1/user/me', '/api/v1/user/me', { claims: PLAYER, body: { nickname: ' Quizzy ' } }), ctx));
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ id: PLAYER.sub, nickname: 'Quizzy', created_at: NOW - 5 });
    const update = ddb.commandCalls(UpdateCommand)[0].args[0].input;
    expect(update.Key).toEqual({ id: PLAYER.sub });
    expect(update.ExpressionAttributeValues).toEqual({ ':n': 'Quizzy', ':now': NOW });
  });

  it('answers 400 invalid_body for an empty or unknown field', async () => {
    const put = (body: unknown) => updateMe(httpEvent('PUT', '/api/v1/user/me', '/api/v1/user/me', { claims: PLAYER, body }), ctx).then(parse);
    expectError(await put({ nickname: '   ' }), 400, 'invalid_body');
    expectError(await put({ nickname: 'ok', id: 'someone-else' }), 400, 'invalid_body');
    expect(ddb.calls()).toHaveLength(0);
  });
});
